"""`python -m bot` is `carebot`."""

from bot.cli import main

raise SystemExit(main())
