#!/usr/bin/env python3
"""Every AppStream screenshot the metainfo names is a PNG in data/screenshots/.

The metainfo points at the repository's raw files, so a screenshot that is
named but not committed would be a broken image in software centres.
"""
import os
import sys
import xml.etree.ElementTree as ET

metainfo, folder = sys.argv[1], sys.argv[2]
images = [e.text.strip() for e in ET.parse(metainfo).getroot().iter("image")]
if not images:
    sys.exit("no screenshots in " + metainfo)
failed = False
for url in images:
    name = url.rsplit("/", 1)[-1]
    path = os.path.join(folder, name)
    if not url.endswith("/data/screenshots/" + name):
        print("not a data/screenshots/ address:", url)
        failed = True
    elif not os.path.isfile(path):
        print("missing:", path)
        failed = True
    else:
        with open(path, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                print("not a PNG:", path)
                failed = True
print(len(images), "screenshots checked")
sys.exit(1 if failed else 0)
