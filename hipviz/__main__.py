"""``python -m hipviz`` is the same as the ``hipviz`` command."""
import sys

from .cli import main

sys.exit(main())
