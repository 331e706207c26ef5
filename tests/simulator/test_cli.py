"""The wincc-sim command line and its certificate."""

import asyncio
from pathlib import Path
import socket
import ssl

import pytest

from simulator.certificate import ensure_certificate, fingerprint_of
from simulator.cli import build_parser, main, runtime_from, serve
from tests.conftest import SimHandle


def test_help_documents_users_and_controls(capsys: pytest.CaptureFixture[str]) -> None:
    """--help names the demo users and the control endpoints."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for expected in (
        "operator / operator",
        "viewer   / viewer",
        "guest    / guest",
        "/_sim/faults",
        "--extra-tags",
    ):
        assert expected in text


def test_defaults() -> None:
    """Default ports and host follow the issue: 4443, 34568, 127.0.0.1, HTTPS."""
    args = build_parser().parse_args([])
    assert (args.host, args.unified_port, args.classic_port, args.plain_http) == (
        "127.0.0.1",
        4443,
        34568,
        False,
    )
    assert args.no_alarm_logging is False
    assert build_parser().parse_args(["--no-alarm-logging"]).no_alarm_logging is True


async def _serve_briefly(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run serve() until it has printed its banner; return what it printed."""
    task = asyncio.create_task(serve(build_parser().parse_args(argv)))
    output = ""
    for _ in range(200):
        await asyncio.sleep(0.05)
        output += capsys.readouterr().out
        if "users:" in output:
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return output


def test_a_frozen_clock_stands_still() -> None:
    """--frozen-clock: time moves only when advanced, so values change only when written."""
    frozen = runtime_from(build_parser().parse_args(["--frozen-clock", "--history-hours", "0"]))
    assert frozen.clock.frozen
    assert not runtime_from(build_parser().parse_args(["--history-hours", "0"])).clock.frozen


async def test_serve_prints_urls_and_fingerprint(
    socket_enabled: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """serve() starts both faces and prints where they are and the fingerprint."""
    output = await _serve_briefly(
        [
            "--unified-port",
            "0",
            "--classic-port",
            "0",
            "--oa-reporting-port",
            "0",
            "--oa-graphql-port",
            "0",
            "--state-dir",
            str(tmp_path),
            "--history-hours",
            "0",
            "--extra-tags",
            "3",
        ],
        capsys,
    )
    assert "29 tags" in output
    assert "https://127.0.0.1:" in output
    assert "/WinCCRestService" in output
    assert "WinCC OA (REST Reporting): https://127.0.0.1:" in output
    assert "WinCC OA (GraphQL):        http://127.0.0.1:" in output
    assert ensure_certificate(tmp_path).fingerprint in output


async def test_plain_http_serves_without_tls(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """--plain-http prints http:// URLs and no certificate."""
    output = await _serve_briefly(
        [
            "--plain-http",
            *("--unified-port", "0", "--classic-port", "0", "--oa-reporting-port", "0"),
            *("--oa-graphql-port", "0"),
            *("--history-hours", "0"),
        ],
        capsys,
    )
    assert "http://127.0.0.1:" in output
    assert "https://" not in output
    assert "fingerprint" not in output
    assert "26 tags" in output


def test_certificate_is_made_once(tmp_path: Path) -> None:
    """A second start reuses the certificate (same fingerprint); the key is private."""
    first = ensure_certificate(tmp_path)
    second = ensure_certificate(tmp_path)
    assert first.fingerprint == second.fingerprint
    assert first.key_path.stat().st_mode & 0o077 == 0


def test_presented_certificate_matches_the_fingerprint(wincc_sim: SimHandle) -> None:
    """The fingerprint printed at start is the one the server presents in TLS."""
    host, port = wincc_sim.unified_url.removeprefix("https://").split(":")
    context = ssl.create_default_context(cafile=str(wincc_sim.certificate.cert_path))
    with (
        socket.create_connection((host, int(port))) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    pem = ssl.DER_cert_to_PEM_cert(der).encode()
    assert fingerprint_of(pem) == wincc_sim.certificate.fingerprint


def test_main_runs_until_interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C ends main() quietly."""

    def interrupted(coroutine: object) -> None:
        coroutine.close()  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(asyncio, "run", interrupted)
    main(["--history-hours", "0"])


async def test_redundant_prints_the_partner(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """--redundant serves a second Unified host and says where."""
    args = ["--plain-http", "--redundant", "--history-hours", "0"]
    ports = ["--unified-port", "0", "--classic-port", "0", "--partner-port", "0"]
    ports += ["--oa-reporting-port", "0", "--oa-graphql-port", "0"]
    output = await _serve_briefly([*args, *ports], capsys)
    assert "redundant partner:         http://127.0.0.1:" in output
    assert runtime_from(build_parser().parse_args(args)).redundancy is not None
