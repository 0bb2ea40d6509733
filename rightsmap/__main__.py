import sys

from rightsmap.cli import main

sys.exit(main())
