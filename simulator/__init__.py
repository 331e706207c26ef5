"""wincc-sim: a simulator of the WinCC Unified GraphQL and classic REST APIs."""
