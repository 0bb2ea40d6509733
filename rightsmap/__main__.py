import sys

from rightsmap.cli.main import main

sys.exit(main())
