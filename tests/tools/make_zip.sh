#!/usr/bin/env bash
# dist/<name>-<version>.zip for QGIS's "Install from ZIP": one top folder <name>/ with the runtime files only.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1 version=$2
mkdir -p dist
out="dist/$name-$version.zip"
rm -f "$out"
/usr/bin/python3 - "$name" "$out" <<'PY'
import sys, zipfile
from pathlib import Path
name, out = sys.argv[1], sys.argv[2]
files = [Path("metadata.txt"), Path("__init__.py"), Path("README.md")]
for folder in ("plugin", "ui", "resources"):
    files += sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"))
files += sorted(Path("i18n").glob("*.qm"))  # compiled translations (the .ts sources stay out)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    for path in files:
        archive.write(path, f"{name}/{path.as_posix()}")
print(f"{out}: {len(files)} files")
PY
