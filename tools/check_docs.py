#!/usr/bin/env python
"""Check the docs without Quarto: `python tools/check_docs.py` (needs the `dev` extra).

1. `nbdev-proc-nbs` must succeed (it writes the processed notebooks Quarto would render to `_proc/`).
2. Every lesson (each notebook under `nbs/`) must be listed in `nbs/sidebar.yml`, and every sidebar
   entry must exist.
3. Every processed lesson must render to a static HTML page (nbconvert, saved outputs, no kernel) into
   `_site_check/`, keeping its plots (each PNG/SVG output appears as an image) and its plotly figures
   interactive (each plotly output carries its `Plotly.newPlot` call and plotly.js).

4. README.md must be the markdown of `nbs/index.ipynb` (`--write-readme` rewrites it), the Quarto-free
   stand-in for `nbdev-readme`.

Exits 1 and lists every problem when any check fails. `--self-test` first proves that the checks can
fail: a sidebar with a lesson removed, and a notebook that cannot be read, must both be reported.
"""
import json, re, subprocess, sys, tempfile
from pathlib import Path

import nbformat, yaml
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NBS, PROC, OUT = ROOT / 'nbs', ROOT / '_proc', ROOT / '_site_check'


def lessons(nbs: Path) -> list[str]:
    "Every notebook under `nbs`, relative paths, skipping hidden and `_` folders/files (as nbdev does)."
    return sorted(str(p.relative_to(nbs)) for p in nbs.rglob('*.ipynb')
                  if not any(part.startswith(('_', '.')) for part in p.relative_to(nbs).parts))


def sidebar_entries(sidebar: Path) -> list[str]:
    "Every file named in a Quarto sidebar yml, in order."
    def walk(items):
        for it in items:
            if isinstance(it, str): yield it
            elif isinstance(it, dict):
                if 'href' in it: yield it['href']
                yield from walk(it.get('contents', []))
    return list(walk(yaml.safe_load(sidebar.read_text())['website']['sidebar']['contents']))


def sidebar_problems(nbs: Path, sidebar: Path) -> list[str]:
    listed = sidebar_entries(sidebar)
    probs = [f'lesson missing from {sidebar.name}: {nb}' for nb in lessons(nbs) if nb not in listed]
    probs += [f'{sidebar.name} names a file that does not exist: {e}' for e in listed if not (nbs / e).exists()]
    return probs


def expected_outputs(nb) -> tuple[int, int]:
    "Number of (static images, plotly figures) among a notebook's saved outputs."
    imgs = plots = 0
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            data = out.get('data', {})
            if 'image/png' in data or 'image/svg+xml' in data: imgs += 1
            if 'application/vnd.plotly.v1+json' in data or 'Plotly.newPlot' in ''.join(data.get('text/html', '')): plots += 1
    return imgs, plots


def render_problems(proc_nb: Path, out_html: Path) -> list[str]:
    "Render one processed notebook to HTML; report what failed or went missing."
    try:
        raw = json.loads(proc_nb.read_text())
        for cell in raw['cells']:  # nbdev's processing adds keys outside the nbformat schema; Quarto ignores them
            cell.pop('has_sd', None); cell.get('metadata', {}).pop('execution', None)
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        html, _ = HTMLExporter(template_name='lab').from_notebook_node(nb)
    except Exception as e:
        return [f'{proc_nb.name} failed to render: {type(e).__name__}: {e}']
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(html)
    imgs, plots = expected_outputs(nb)
    probs = []
    n_imgs = len(re.findall(r'<img [^>]*src="data:image/(?:png|svg)', html)) + html.count('<svg')
    if n_imgs < imgs: probs.append(f'{proc_nb.name}: {imgs} plot outputs but only {n_imgs} images in the HTML')
    if plots and (html.count('Plotly.newPlot') < plots or 'plotly' not in html.lower()):
        probs.append(f'{proc_nb.name}: {plots} plotly figures but {html.count("Plotly.newPlot")} interactive ones in the HTML '
                     '(call mamba_bys.core.use_plotly_for_docs() before showing them)')
    return probs


def readme_text() -> str:
    "README.md as rendered from the home page `nbs/index.ipynb`, lesson links pointing into `nbs/`."
    from nbconvert import MarkdownExporter
    md, _ = MarkdownExporter().from_notebook_node(nbformat.read(NBS / 'index.ipynb', as_version=4))
    md = re.sub(r'\]\((?!https?:)([^)]+\.ipynb)\)', r'](nbs/\1)', md)
    return '<!-- generated from nbs/index.ipynb: edit the notebook, then `python tools/check_docs.py --write-readme` -->\n\n' + md.strip() + '\n'


def self_test() -> None:
    "The checks must be able to fail."
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        sb = yaml.safe_load((NBS / 'sidebar.yml').read_text())
        first = sidebar_entries(NBS / 'sidebar.yml')[0]
        def drop(items):
            return [drop_one(i) for i in items if i != first]
        def drop_one(i):
            if isinstance(i, dict) and 'contents' in i: return {**i, 'contents': drop(i['contents'])}
            return i
        sb['website']['sidebar']['contents'] = drop(sb['website']['sidebar']['contents'])
        (d / 'sidebar.yml').write_text(yaml.safe_dump(sb))
        assert any(first in p for p in sidebar_problems(NBS, d / 'sidebar.yml')), 'self-test: a missing lesson went unnoticed'
        bad = d / 'broken.ipynb'; bad.write_text('{"cells": [')
        assert render_problems(bad, d / 'broken.html'), 'self-test: an unreadable notebook went unnoticed'
    print('self-test: a lesson missing from the sidebar and an unrenderable notebook are both reported')


def main() -> int:
    if '--write-readme' in sys.argv:
        (ROOT / 'README.md').write_text(readme_text()); print('README.md written from nbs/index.ipynb'); return 0
    if '--self-test' in sys.argv: self_test()
    r = subprocess.run(['nbdev-proc-nbs'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:]); print('nbdev-proc-nbs failed'); return 1
    sidebar = sidebar_problems(NBS, NBS / 'sidebar.yml')
    pages, failed = lessons(NBS), 0
    for rel in pages:
        proc_nb = PROC / rel
        probs = render_problems(proc_nb, OUT / Path(rel).with_suffix('.html')) if proc_nb.exists() \
            else [f'nbdev-proc-nbs did not produce {rel}']
        probs += [p for p in sidebar if p.endswith(': ' + rel)]
        failed += bool(probs)
        for p in probs: print('FAIL', p)
    for p in sidebar:
        if not any(p.endswith(': ' + rel) for rel in pages): print('FAIL', p); failed += 1
    if (ROOT / 'README.md').read_text() != readme_text():
        print('FAIL README.md is not in step with nbs/index.ipynb: run python tools/check_docs.py --write-readme'); failed += 1
    print(f'{len(pages)} lessons rendered to {OUT.relative_to(ROOT)}/')
    print(f'docs: {len(pages) - min(failed, len(pages))} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
