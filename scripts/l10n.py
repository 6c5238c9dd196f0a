#!/usr/bin/env python3
"""Adds or updates workspace strings in a pair of resource files (English neutral + French).

    scripts/l10n.py src/Vigie/Web/Ui Key "English text" "Texte français" [Key2 en2 fr2 ...]
    scripts/l10n.py --check src/Vigie        # every .resx has its .fr.resx twin with the same keys

The pair is BASE.resx and BASE.fr.resx; they are created when missing, kept sorted by key.
"""
import sys, os, glob
import xml.etree.ElementTree as ET

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
"""

def read(path):
    if not os.path.exists(path):
        return {}
    return {d.get('name'): (d.findtext('value') or '') for d in ET.parse(path).getroot().findall('data')}

def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')

def write(path, entries):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(HEADER)
        for k in sorted(entries, key=str.lower):
            f.write(f'  <data name="{esc(k)}" xml:space="preserve"><value>{esc(entries[k])}</value></data>\n')
        f.write('</root>\n')

def check(root):
    bad = 0
    for neutral in glob.glob(os.path.join(root, '**', '*.resx'), recursive=True):
        if neutral.endswith('.fr.resx'):
            continue
        fr = neutral[:-5] + '.fr.resx'
        a, b = read(neutral), read(fr)
        for k in sorted(set(a) ^ set(b)):
            print(f'{neutral}: key {k} is only in {"the English" if k in a else "the French"} file'); bad += 1
        for k, v in list(a.items()) + list(b.items()):
            if not v.strip():
                print(f'{neutral}: key {k} has an empty text'); bad += 1
    return bad

if __name__ == '__main__':
    if sys.argv[1] == '--check':
        sys.exit(1 if check(sys.argv[2]) else 0)
    base, rest = sys.argv[1], sys.argv[2:]
    if len(rest) % 3:
        sys.exit('usage: l10n.py BASE KEY EN FR [KEY EN FR ...]')
    en, fr = read(base + '.resx'), read(base + '.fr.resx')
    for i in range(0, len(rest), 3):
        en[rest[i]], fr[rest[i]] = rest[i + 1], rest[i + 2]
    write(base + '.resx', en); write(base + '.fr.resx', fr)
