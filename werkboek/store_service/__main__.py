import sys

from werkboek.store_service.server import main

sys.exit(main())
