"""``python -m landscape_app`` is the same as the ``landscape-app`` command."""

import sys

from landscape_app.cli import main

sys.exit(main())
