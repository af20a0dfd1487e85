import sys
from pathlib import Path

# Makes `import twp` work when pytest is started from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent))
