#!/usr/bin/env python3
"""Make the offline base map that the map page draws: xslt/assets/countries-110m.json.

Source: Natural Earth 1:110m admin-0 countries (public domain), as redistributed
in TopoJSON by the npm package ``world-atlas`` (ISC licence).  Nothing is fetched
at build or run time; this script documents how the committed asset was made
and remakes it byte for byte:

    python tools/make_basemap.py                 # npm installs world-atlas@2.0.2 into a temp folder
    python tools/make_basemap.py --from DIR      # DIR is an unpacked world-atlas package

The TopoJSON arcs are decoded (delta coding, quantisation transform) into
polygon rings of [lon, lat] pairs, rounded to 0.01 degrees (about 1 km, finer
than the 1:110m data), one entry per country sorted by name, each with its
bounding box so the map can skip countries outside its view.  Polygons that
cross the antimeridian are already cut at 180 degrees in Natural Earth.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = "2.0.2"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "xslt" / "assets" / "countries-110m.json"
DIGITS = 2


def fetch_world_atlas(folder: Path) -> Path:
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(folder), f"world-atlas@{VERSION}"],
        check=True,
    )
    return folder / "node_modules" / "world-atlas"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    move_x, move_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        # ~index (a negative number) is arc index reversed
        piece = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(piece if not points else piece[1:])
    return points


def rounded(points) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in points:
        pair = [round(lon, DIGITS), round(lat, DIGITS)]
        if not out or out[-1] != pair:  # rounding can merge neighbours
            out.append(pair)
    return out


def countries(topology: dict) -> list[dict]:
    arcs = decode_arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = []
        for polygon in polygons:
            for indexes in polygon:
                points = rounded(ring(indexes, arcs))
                if len(points) >= 4:
                    rings.append(points)
        if not rings:
            continue
        lons = [p[0] for r in rings for p in r]
        lats = [p[1] for r in rings for p in r]
        found.append(
            {
                "name": geometry.get("properties", {}).get("name", ""),
                "id": geometry.get("id", ""),
                "bbox": [min(lons), min(lats), max(lons), max(lats)],
                "rings": rings,
            }
        )
    found.sort(key=lambda c: (c["name"], c["id"]))
    return found


def main(argv=None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--from", dest="source", type=Path, help="an unpacked world-atlas package folder")
    options.add_argument("-o", "--output", type=Path, default=OUTPUT)
    arguments = options.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        package = arguments.source or fetch_world_atlas(Path(scratch))
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        topology = json.loads((package / "countries-110m.json").read_text(encoding="utf-8"))
    asset = {
        "source": f"Natural Earth 1:110m admin-0 countries, via the npm package world-atlas {meta['version']}",
        "licence": "Natural Earth data: public domain. world-atlas packaging: ISC licence (see README.md here).",
        "coordinates": f"[longitude, latitude] in degrees (WGS 84), rounded to {DIGITS} decimals",
        "countries": countries(topology),
    }
    text = json.dumps(asset, ensure_ascii=False, separators=(",", ":"))
    # One country per line keeps diffs of a remake readable.
    text = text.replace(',{"name":', ',\n{"name":').replace('"countries":[{', '"countries":[\n{')
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(text + "\n", encoding="utf-8")
    print(f"{arguments.output}: {len(asset['countries'])} countries, {len(text.encode()) // 1024} KiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
