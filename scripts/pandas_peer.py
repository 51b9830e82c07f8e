"""The peer of the XLSX validate benchmark: pandas.read_excel of the same file."""
import sys

import pandas

frame = pandas.read_excel(sys.argv[1], dtype=str)
print(len(frame))
