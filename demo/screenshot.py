"""A screenshot of the "WinCC plant" dashboard with live values, for the README.

Run it while ``scripts/develop`` runs (``scripts/screenshot`` does). It raises two
alarms in wincc-sim so the alarm list has something to show, logs in as the demo's
owner, and has headless Chromium open the dashboard with the login's authorization
code, as Home Assistant's own login page would hand it over.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
from pathlib import Path
import shutil
import subprocess

import aiohttp

from .__main__ import HttpApi, authorization_code, wait_for
from .dashboard import URL_PATH

SIM_CONTROL = "https://127.0.0.1:4443/_sim"


async def _raise_alarms(session: aiohttp.ClientSession) -> None:
    """A pump fault and an over-temperature, as an operator would see them."""
    for tag, value in (("Pump1_Fault", True), ("Boiler.Setpoint", 92.0)):
        async with session.post(f"{SIM_CONTROL}/tags/{tag}", json={"value": value}, ssl=False):
            pass


async def dashboard_url(base: str, settle: float) -> str:
    """The dashboard's address, logged in through an authorization code."""
    async with aiohttp.ClientSession() as session:
        api = HttpApi(session, base)
        await wait_for(api)
        await _raise_alarms(session)
        await asyncio.sleep(settle)  # values move, alarms come, history fills a little
        code = await authorization_code(api)
    state = base64.b64encode(
        json.dumps({"hassUrl": base, "clientId": f"{base}/"}).encode()
    ).decode()
    return f"{base}/{URL_PATH}?auth_callback=1&code={code}&state={state}"


def take(url: str, output: Path) -> None:
    """Headless Chromium's screenshot of ``url``."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("Chromium is missing: apt install chromium")
    output.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - a fixed program and our own arguments
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1400,1000",
            "--virtual-time-budget=25000",
            f"--screenshot={output}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    """Parse the arguments, then take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--output", type=Path, default=Path("docs/images/plant-dashboard.png"))
    parser.add_argument("--settle", type=float, default=20.0, help="seconds of live values first")
    arguments = parser.parse_args()
    take(asyncio.run(dashboard_url(arguments.url, arguments.settle)), arguments.output)
    print(f"==> {arguments.output}")  # noqa: T201


if __name__ == "__main__":
    main()
