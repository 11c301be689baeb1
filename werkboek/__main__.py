import sys

from werkboek.cli import main

sys.exit(main())
