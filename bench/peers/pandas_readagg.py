#!/usr/bin/python3
"""pandas peer for the Vigía read + aggregate benchmark.

Usage: /usr/bin/python3 bench/peers/pandas_readagg.py FILE

Reads one SESNSP file and prints national monthly totals of
Tipo de delito == "Trata de personas", one line per month that has at least
one published cell, sorted:  YYYY-MM,total

Layouts (chosen by the header):
  * wide incidence, state  (Año,Clave_Ent,Entidad,Bien jurídico afectado,
    Tipo de delito,Subtipo de delito,Modalidad,Enero..Diciembre) and
    municipal (the same plus Cve. Municipio,Municipio). Empty month cells are
    unpublished: they are skipped, not summed as 0.
  * tidy long victims (isaacarroyov: ...,n_year,n_month,...,tipo_de_delito,
    ...,n_victimas), plain or .bz2 (pandas decompresses it itself).

Encoding: the first 1 MiB (decompressed) is decoded as UTF-8; if that fails
the file is read as Latin-1. A UTF-8 BOM is handled (utf-8-sig).

Run it with Debian's /usr/bin/python3 (apt-get install python3-pandas), not a
pyenv python.
"""
import bz2
import codecs
import gzip
import sys

import pandas as pd

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
          "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
TARGET = "Trata de personas"
SNIFF = 1 << 20


def _open_raw(path):
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def sniff(path):
    """Return (encoding, header fields) from the first MiB of the file."""
    with _open_raw(path) as f:
        head = f.read(SNIFF)
    enc = "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        if head.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
    except UnicodeDecodeError:
        enc = "latin-1"
    first = head.split(b"\n", 1)[0].rstrip(b"\r").decode(enc)
    return enc, [h.strip() for h in first.split(",")]


def wide(path, enc, header):
    norm = [h.lower() for h in header]
    tipo = header[norm.index("tipo de delito")]
    year = header[0]  # "Año" / "AÑO"
    months = [header[norm.index(m)] for m in MONTHS]
    df = pd.read_csv(path, encoding=enc, usecols=[year, tipo] + months,
                     dtype={tipo: "string"}, compression="infer")
    df = df[df[tipo] == TARGET]
    long = df.melt(id_vars=[year], value_vars=months, var_name="m",
                   value_name="v").dropna(subset=["v"])
    long["mi"] = long["m"].map({m: i + 1 for i, m in enumerate(months)})
    return long.groupby([year, "mi"])["v"].sum()


def tidy(path, enc, header):
    df = pd.read_csv(path, encoding=enc,
                     usecols=["n_year", "n_month", "tipo_de_delito", "n_victimas"],
                     dtype={"tipo_de_delito": "string"}, compression="infer")
    df = df[df["tipo_de_delito"] == TARGET].dropna(subset=["n_victimas"])
    return df.groupby(["n_year", "n_month"])["n_victimas"].sum()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pandas_readagg.py FILE")
    path = sys.argv[1]
    enc, header = sniff(path)
    norm = [h.lower() for h in header]
    if "tipo de delito" in norm and all(m in norm for m in MONTHS):
        s = wide(path, enc, header)
    elif {"n_year", "n_month", "tipo_de_delito", "n_victimas"} <= set(norm):
        s = tidy(path, enc, header)
    else:
        sys.exit("unknown layout: %r" % header)
    out = ["%04d-%02d,%d" % (int(y), int(m), int(v)) for (y, m), v in s.items()]
    out.sort()
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


if __name__ == "__main__":
    main()
