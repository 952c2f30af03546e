#!/usr/bin/env python
"""Check the docs without Quarto: `python tools/check_docs.py` (needs the `dev` extra).

1. `nbdev-proc-nbs` must succeed (it writes the processed notebooks Quarto would render to `_proc/`; `_proc/` is
   removed first, so a page is never checked from a cache older than the package code it documents. Not `--force`:
   that also rewrites `nbs/sidebar.yml`, ignoring `custom_sidebar`).
2. Every lesson (each notebook under `nbs/`) must be listed in `nbs/sidebar.yml`, and every sidebar
   entry must exist.
3. Every processed lesson must render to a static HTML page (nbconvert, saved outputs, no kernel) into
   `_site_check/`, keeping its plots (each PNG/SVG output appears as an image) and its plotly figures
   interactive (each plotly output carries its `Plotly.newPlot` call and plotly.js; a figure saved as plotly JSON only, as
   `use_plotly_for_docs` stores it, gets that HTML from the docs processor `plotly_html_for_docs`). The pages load plotly.js from
   `_site_check/plotly.min.js` (the copy the installed plotly ships), so they can be looked at offline.
4. README.md must be the markdown of `nbs/index.ipynb` (`--write-readme` rewrites it), the Quarto-free
   stand-in for `nbdev-readme`: its prose, and the tables its hidden code cells render from `results/` files.
5. API entries: every `show_doc` cell of a processed lesson (the explicit ones and those `nbdev-proc-nbs` adds after
   each exported function and class) must render a non-empty entry: not empty (`show_doc` raised while rendering,
   e.g. on an ndarray default argument, which leaves the cell's output empty), not an error, and not naming a type as
   `__main__.X` (a class defined in the notebook, as the processing kernel sees it).
6. Sliders and buttons: in every saved plotly figure of every notebook, no slider step or updatemenu button may set
   a whole `title` (a key 'title' or '<axis>.title' in its layout update): plotly.js replaces the title object with
   it, and the title is lost on the first move. Set 'title.text' instead.
7. Local paths: no saved output of any notebook may show a path of the machine it ran on (/root/, /home/, /Users/,
   /work/, /tmp/, /var/folders/, site-packages, C:\\Users\\): warnings with file names, temporary folders, ...
8. MathJax: no plotly HTML output may load its own MathJax (the docs site loads its own; two on one page lose a
   figure's labels and interactivity on pages with inline math).
9. Tables: no printed output (a stream) may hold a markdown table (a header row and a `|---|` rule): printed, it shows
   as raw pipes; `display(Markdown(table))` renders it.

Exits 1 and lists every problem when any check fails. `--self-test` first proves that the checks can fail: a sidebar
with a lesson removed, a notebook that cannot be read, an empty API entry (made by nbdev's own processing of a function
with an ndarray default), an API entry that is an error or names `__main__.X`, a slider step and a button that
replace the title, saved outputs with local paths, and a plotly output that loads MathJax must all be reported, and
their corrected versions must not be.

`--strip-plotly-mathjax NB...` removes plotly's MathJax loader from the saved plotly HTML outputs of the notebooks
named: exactly what plotly writes with `include_mathjax=False`.
"""
import json, re, shutil, subprocess, sys, tempfile
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


def _text(v) -> str: return ''.join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v)


def _outputs(nb: dict):
    "(cell id, output) for every saved output of a notebook (a plain JSON dict)."
    for i, cell in enumerate(nb.get('cells', [])):
        for out in cell.get('outputs', []) or []:
            yield cell.get('id', f'#{i}'), out


def expected_outputs(nb) -> tuple[int, int]:
    "Number of (static images, plotly figures) among a notebook's saved outputs."
    imgs = plots = 0
    for cell in nb.cells:
        for out in cell.get('outputs', []):
            data = out.get('data', {})
            if 'image/png' in data or 'image/svg+xml' in data: imgs += 1
            if 'application/vnd.plotly.v1+json' in data or 'Plotly.newPlot' in ''.join(data.get('text/html', '')): plots += 1
    return imgs, plots


_PLOTLY_CDN = re.compile(r'<script\b([^>]*?)\bsrc="https://cdn\.plot\.ly/plotly-[0-9.]+(?:\.min)?\.js"([^>]*)>')

def offline_plotly(html: str, plotly_js: str) -> str:
    "`html` with its plotly.js script tags loading `plotly_js` (a relative URL) instead of the CDN."
    return _PLOTLY_CDN.sub(lambda m: '<script' + re.sub(r'\s(?:integrity|crossorigin)="[^"]*"', '', m[1] + m[2])
                           + f' src="{plotly_js}">', html)


def render_problems(proc_nb: Path, out_html: Path, plotly_js: str | None = None) -> list[str]:
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
    imgs, plots = expected_outputs(nb)
    probs = []
    n_imgs = len(re.findall(r'<img [^>]*src="data:image/(?:png|svg)', html)) + html.count('<svg')
    if n_imgs < imgs: probs.append(f'{proc_nb.name}: {imgs} plot outputs but only {n_imgs} images in the HTML')
    if plots and (html.count('Plotly.newPlot') < plots or 'plotly' not in html.lower()):
        probs.append(f'{proc_nb.name}: {plots} plotly figures but {html.count("Plotly.newPlot")} interactive ones in the HTML '
                     '(show them after mamba_bys.core.use_plotly_for_docs(); their saved JSON becomes HTML through the docs '
                     'processor mamba_bys.core:plotly_html_for_docs, which doc_procs in pyproject.toml must name)')
    out_html.write_text(offline_plotly(html, plotly_js) if plotly_js else html)
    return probs


# ---- 5. API entries -------------------------------------------------------------------------------------------

_SHOW_DOC = re.compile(r'^\s*show_doc\((.*)\)\s*$', re.M)

def api_problems(nb: dict) -> tuple[list[str], int]:
    "Problems of the `show_doc` cells of a processed notebook (a plain JSON dict), and how many entries were checked."
    probs, n = [], 0
    for cell in nb.get('cells', []):
        src = _text(cell.get('source', ''))
        m = _SHOW_DOC.search(src)
        if cell.get('cell_type') != 'code' or not (cell.get('has_sd') or m): continue
        n += 1
        what = f"show_doc({m[1]})" if m else src.strip().splitlines()[-1]
        outs = cell.get('outputs', []) or []
        errs = [o for o in outs if o.get('output_type') == 'error']
        md = ''.join(_text(o.get('data', {}).get('text/markdown', '')) for o in outs)
        if errs: probs.append(f"API entry {what} is an error: {errs[0].get('ename')}: {errs[0].get('evalue')}")
        elif not md.strip():
            probs.append(f'API entry {what} renders empty: show_doc raised while rendering it (e.g. on an ndarray '
                         'default argument: default to None and resolve it inside, saying in the docstring what None means)')
        elif '__main__.' in md:
            names = sorted(set(re.findall(r'__main__\.[\w.]+', md)))
            probs.append(f"API entry {what} names {', '.join(names)}: a class of the notebook itself, as nbdev's processing "
                         'kernel (__main__) sees it; a docs processor (doc_procs) that drops `__main__.` fixes every page')
    return probs, n


# ---- 6. sliders and buttons that replace the title ------------------------------------------------------------

def plotly_figures(out: dict) -> list[dict]:
    "The figures (dicts with 'layout') in one saved output: its plotly JSON, else the layouts of its `Plotly.newPlot` calls."
    data = out.get('data', {})
    if 'application/vnd.plotly.v1+json' in data:
        fig = data['application/vnd.plotly.v1+json']
        return [json.loads(fig) if isinstance(fig, str) else fig]
    figs, html = [], _text(data.get('text/html', ''))
    dec = json.JSONDecoder()
    for m in re.finditer(r'Plotly\.newPlot\(\s*', html):
        try:
            args, i = [], m.end()
            for _ in range(3):   # div id, data, layout
                v, i = dec.raw_decode(html, i); args.append(v)
                i = re.compile(r'\s*,\s*').match(html, i).end()
            figs.append({'data': args[1], 'layout': args[2]})
        except (ValueError, AttributeError):
            continue   # not a literal call (e.g. plotly's own loader script): nothing to check
    return figs


def _layout_updates(method: str, args) -> list[dict]:
    "The layout-update dicts in the `args` of a slider step or button with `method`."
    if not isinstance(args, list): return []
    if method == 'relayout': return [a for a in args[:1] if isinstance(a, dict)]
    if method == 'update': return [a for a in args[1:2] if isinstance(a, dict)]
    return []


def title_problems(fig: dict) -> list[str]:
    "Slider steps and updatemenu buttons of `fig` whose layout update replaces a whole title."
    lay, probs = fig.get('layout', {}) or {}, []
    controls = [(f'slider {i} step', s) for i, sl in enumerate(lay.get('sliders', []) or []) for s in sl.get('steps', []) or []]
    controls += [(f'updatemenu {i} button', b) for i, um in enumerate(lay.get('updatemenus', []) or []) for b in um.get('buttons', []) or []]
    for where, c in controls:
        for key in ('args', 'args2'):
            for upd in _layout_updates(c.get('method', 'restyle'), c.get(key)):
                for k in upd:
                    if k == 'title' or k.endswith('.title'):
                        probs.append(f"{where} {c.get('label', '')!r} sets {k!r} in its {key}: plotly.js replaces the whole title "
                                     f"with it (gone on the first move); set {k + '.text'!r}")
    return probs


# ---- 7. local paths -------------------------------------------------------------------------------------------

LOCAL_PATH = re.compile(r'(?<![\w.-])(?:/root/|/home/|/Users/|/work/|/tmp/|/var/folders/|/private/var/)'
                        r'|site-packages|dist-packages|\b[A-Za-z]:\\\\?(?:Users|Windows)\\')
_DATA_URI = re.compile(r'data:[^;,\s"\']{1,60};base64,(?:[A-Za-z0-9+/=]|\\u002[fF])+')

def output_texts(out: dict):
    "(kind, text) of everything a saved output shows as text (images and base64 data URIs left out)."
    if 'text' in out: yield f"{out.get('name', 'stream')} stream", _text(out['text'])
    if out.get('output_type') == 'error':
        yield 'error', f"{out.get('ename')}: {out.get('evalue')}\n" + '\n'.join(out.get('traceback', []))
    for mime, v in (out.get('data') or {}).items():
        if mime.startswith(('image/', 'video/', 'audio/')): continue
        yield mime, _DATA_URI.sub('data:…', _text(v))


def path_problems(nb: dict) -> list[str]:
    "Saved outputs of a notebook (a plain JSON dict) that show a local path."
    probs = []
    for cid, out in _outputs(nb):
        for kind, text in output_texts(out):
            if m := LOCAL_PATH.search(text):
                line = text[text.rfind('\n', 0, m.start()) + 1:].split('\n', 1)[0].strip()
                probs.append(f'cell {cid}: its {kind} output shows a local path: {line[:160]!r}')
                break
    return probs


# ---- 8. MathJax in plotly outputs -----------------------------------------------------------------------------

_MATHJAX_SRC = re.compile(r'<script\b[^>]*\bsrc=["\'][^"\']*mathjax[^"\']*["\']', re.I)
# what plotly's to_html adds with include_mathjax='cdn' (or a .js URL), and leaves out with include_mathjax=False
_PLOTLY_MATHJAX = re.compile(r' {4}<script src="[^"]*mathjax[^"]*"></script><script>if \(window\.MathJax && '
                             r'window\.MathJax\.Hub && window\.MathJax\.Hub\.Config\) \{[^<]*\}</script>', re.I)

def is_plotly_html(out: dict) -> bool:
    html = _text((out.get('data') or {}).get('text/html', ''))
    return 'Plotly.newPlot' in html or 'cdn.plot.ly' in html


def mathjax_problems(nb: dict) -> tuple[list[str], int]:
    "Plotly HTML outputs of a notebook that load MathJax, and how many plotly HTML outputs there are."
    probs, n = [], 0
    for cid, out in _outputs(nb):
        if not is_plotly_html(out): continue
        n += 1
        if _MATHJAX_SRC.search(_text(out['data']['text/html'])):
            probs.append(f'cell {cid}: a plotly HTML output loads its own MathJax (render it with include_mathjax=False; '
                         'mamba_bys.core.use_plotly_for_docs should)')
    return probs, n


def strip_plotly_mathjax(path: Path) -> int:
    "Remove plotly's MathJax loader from the plotly HTML outputs saved in notebook `path`; returns how many changed."
    nb, n = json.loads(path.read_text()), 0
    for _, out in _outputs(nb):
        if not is_plotly_html(out): continue
        html = _text(out['data']['text/html'])
        new = _PLOTLY_MATHJAX.sub('', html)
        if new != html: out['data']['text/html'] = new.splitlines(keepends=True); n += 1
    if n: path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return n


# ---- 9. markdown tables printed as text -----------------------------------------------------------------------

_TABLE_RULE = re.compile(r'^\|(?:\s*:?-{3,}:?\s*\|)+\s*$', re.M)

def table_problems(nb: dict) -> list[str]:
    "Printed (stream) outputs that hold a markdown table, which a page shows as raw pipes."
    return [f'cell {cid}: a markdown table is printed as text (raw pipes on the page): display(Markdown(table)) instead'
            for cid, out in _outputs(nb) if out.get('output_type') == 'stream' and _TABLE_RULE.search(_text(out.get('text', '')))]


def saved_output_problems(nb: dict) -> tuple[list[str], dict]:
    "Checks 6-9 on a source notebook's saved outputs; with counts of what was looked at."
    probs, figs = [], 0
    for cid, out in _outputs(nb):
        seen = set()
        for fig in plotly_figures(out):
            figs += 1
            seen.update(f'cell {cid}: {p}' for p in title_problems(fig))
        probs += sorted(seen)
    mj, n_html = mathjax_problems(nb)
    paths = path_problems(nb)
    return probs + mj + paths + table_problems(nb), dict(figures=figs, plotly_html=n_html, outputs=sum(1 for _ in _outputs(nb)))


def readme_text() -> str:
    "README.md as rendered from the home page `nbs/index.ipynb`, lesson links pointing into `nbs/`."
    from nbconvert import MarkdownExporter
    # the home page's code cells only render tables from results files (`#| echo: false`): the README shows what they print
    md, _ = MarkdownExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(
        nbformat.read(NBS / 'index.ipynb', as_version=4))
    md = re.sub(r'\]\((?!https?:)([^)]+\.ipynb)\)', r'](nbs/\1)', md)
    md = re.sub(r'\n{3,}', '\n\n', md)
    return '<!-- generated from nbs/index.ipynb: edit the notebook, then `python tools/check_docs.py --write-readme` -->\n\n' + md.strip() + '\n'


# ---- 10. tables rendered from results files -------------------------------------------------------------------

def results_table_problems(nb: dict, cwd: Path) -> tuple[list[str], int]:
    "Hidden (`#| echo: false`) code cells whose saved markdown output is not what they render now from the results files."
    import os
    from IPython.display import Markdown
    probs, n = [], 0
    for cell in nb['cells']:
        src = _text(cell.get('source', ''))
        if cell.get('cell_type') != 'code' or not src.startswith('#| echo: false'): continue
        n += 1
        k = max(i for i, l in enumerate(src.rstrip().split('\n')) if not l.startswith((' ', '\t', ')')) and l.strip())
        lines = src.rstrip().split('\n'); ns = {'Markdown': Markdown}
        here = os.getcwd(); os.chdir(cwd)   # the notebook's own folder: its paths are relative to it
        try: exec('\n'.join(lines[:k]), ns); now = eval('\n'.join(lines[k:]), ns).data
        except Exception as e: probs.append(f"cell {cell.get('id')}: rendering its results table failed: {type(e).__name__}: {e}"); continue
        finally: os.chdir(here)
        saved = [_text(o.get('data', {}).get('text/markdown', '')) for o in cell.get('outputs', []) if 'text/markdown' in o.get('data', {})]
        if saved != [now]: probs.append(f"cell {cell.get('id')}: its saved table differs from what its results file gives now: re-run it")
    return probs, n


# ---- self-test ------------------------------------------------------------------------------------------------

def _nbdev_processed(cells: list[str]) -> dict:
    "A notebook of `cells` (code) processed by nbdev's own docs processors, as a plain JSON dict."
    from fastcore.nbio import dict2nb, write_nb
    from nbdev.processors import FilterDefaults
    nb = dict2nb({'cells': [{'cell_type': 'code', 'source': s, 'metadata': {}, 'outputs': [], 'execution_count': None, 'idx_': i}
                            for i, s in enumerate(cells)], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5})
    FilterDefaults()(nb)
    with tempfile.TemporaryDirectory() as d:
        write_nb(nb, Path(d) / 'p.ipynb'); return json.loads((Path(d) / 'p.ipynb').read_text())


def _code(outputs) -> dict: return {'cells': [{'cell_type': 'code', 'id': 'c0', 'source': '', 'metadata': {}, 'outputs': outputs}]}


def self_test() -> None:
    "The checks must be able to fail (and must pass what is right)."
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

    # 5. API entries: nbdev's own processing of an exported function with an ndarray default leaves its entry empty
    proc = _nbdev_processed(['#| export\nimport numpy as np\nTABLE = np.zeros(3)',
                             '#| export\ndef bad_auto(x, table: np.ndarray = TABLE):\n    "Uses `table`."\n    return x',
                             '#| export\ndef bad_explicit(x, table: np.ndarray = TABLE):\n    "Uses `table`."\n    return x',
                             '#| export\ndef good_default(x, table: np.ndarray | None = None):\n    "Uses `table` (None: `TABLE`)."\n    return x',
                             'show_doc(bad_explicit)'])
    probs, n = api_problems(proc)
    assert n == 3, f'self-test: the automatic and explicit show_doc cells were not all found ({n})'
    for f in ('bad_auto', 'bad_explicit'):   # the entry nbdev adds after an exported function, and an explicit one
        assert any(f'show_doc({f}) renders empty' in p for p in probs), f'self-test: an empty API entry ({f}) went unnoticed: {probs}'
    assert not any('good_default' in p for p in probs), probs
    md = lambda s: {'output_type': 'display_data', 'data': {'text/markdown': s, 'text/plain': s}, 'metadata': {}}
    sd = lambda *outs: {'cells': [{'cell_type': 'code', 'source': 'show_doc(f)', 'metadata': {}, 'outputs': list(outs)}]}
    assert api_problems(sd({'output_type': 'error', 'ename': 'ValueError', 'evalue': 'ambiguous', 'traceback': []}))[0]
    assert 'names __main__.Board' in api_problems(sd(md('```python\ndef f(\n    b:__main__.Board\n):\n```')))[0][0]
    assert not api_problems(sd(md('```python\ndef f(\n    b:Board\n):\n```')))[0]
    print('self-test: an API entry left empty by nbdev-proc-nbs (ndarray default), an error entry and one naming '
          '__main__.X are reported; a None default is not')

    # 6. a slider step and a button that replace the title
    import plotly.graph_objects as go, plotly.io as pio
    def fig_with(layout_update):
        fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
        fig.update_layout(sliders=[dict(steps=[dict(method='update', label='a', args=[{'visible': [True]}, layout_update])])],
                          updatemenus=[dict(buttons=[dict(method='relayout', label='b', args=[layout_update])])])
        return fig
    for fig, n_bad in ((fig_with({'title': 'depth 1'}), 2), (fig_with({'title': {'text': 'depth 1'}}), 2),
                       (fig_with({'xaxis.title': 'x'}), 2), (fig_with({'title.text': 'depth 1', 'xaxis.title.text': 'x'}), 0)):
        as_json = {'output_type': 'display_data', 'metadata': {}, 'data': {'application/vnd.plotly.v1+json': fig.to_plotly_json()}}
        as_html = {'output_type': 'display_data', 'metadata': {}, 'data': {'text/html': pio.to_html(fig, include_plotlyjs='cdn', full_html=False)}}
        for out in (as_json, as_html):
            probs = [p for f in plotly_figures(json.loads(json.dumps(out, default=str))) for p in title_problems(f)]
            assert len(probs) == n_bad, (fig.layout.sliders[0].steps[0].args[1], probs)
    print("self-test: a slider step and an updatemenu button setting 'title' (JSON and HTML outputs) are reported; 'title.text' is not")

    # 7. local paths
    stream = lambda name, text: {'output_type': 'stream', 'name': name, 'text': text}
    plain = lambda text: {'output_type': 'execute_result', 'metadata': {}, 'execution_count': 1, 'data': {'text/plain': text}}
    for out in (stream('stderr', '/work/main/.venv/lib/python3.11/site-packages/transformers/utils/generic.py:1036: FutureWarning: x'),
                stream('stderr', '/tmp/ipykernel_30887/568912145.py:9: UserWarning: Converting a tensor'),
                stream('stdout', 'resumed from /tmp/tmpcw_irpre/last.pt at step 18'),
                plain('Python 3.11.7 at /root/.pyenv/versions/3.11.7/lib/python3.11'),
                plain("PosixPath('/home/me/data')"), plain(r"'C:\\Users\\me\\data'"),
                {'output_type': 'error', 'ename': 'ValueError', 'evalue': 'x', 'traceback': ['File /usr/lib/python3/dist-packages/x.py']}):
        assert path_problems(_code([out])), f'self-test: a local path went unnoticed: {out}'
    for out in (plain('see https://example.org/tmp/work/home/ and data/sprites/train.parquet'),
                {'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': 'iVBOR/tmp/home/AAA', 'text/plain': '<Figure>'}},
                {'output_type': 'display_data', 'metadata': {}, 'data': {'text/html': '<img src="data:image/png;base64,AB/tmp/CD=">'}}):
        assert not path_problems(_code([out])), f'self-test: a false local path: {out}'
    print('self-test: saved outputs showing /work/…/site-packages, /tmp/…, /root/…, /home/…, C:\\Users\\… and '
          'dist-packages are reported; URLs, relative paths and image data are not')

    # 8. MathJax
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    html = lambda mj: {'output_type': 'display_data', 'metadata': {},
                       'data': {'text/html': pio.to_html(fig, include_plotlyjs='cdn', include_mathjax=mj, full_html=False, div_id='f')}}
    assert mathjax_problems(_code([html('cdn')]))[0], 'self-test: a plotly output loading MathJax went unnoticed'
    assert mathjax_problems(_code([html(False)])) == ([], 1)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / 'm.ipynb'; p.write_text(json.dumps(_code([html('cdn')])))
        assert strip_plotly_mathjax(p) == 1
        assert _text(json.loads(p.read_text())['cells'][0]['outputs'][0]['data']['text/html']) == html(False)['data']['text/html']
    print("self-test: a plotly output that loads MathJax is reported; --strip-plotly-mathjax makes it what include_mathjax=False writes")

    # 9. markdown tables printed as text
    table = '| run | bits/byte |\n|---|---:|\n| a | 1.5 |\n'
    assert table_problems(_code([stream('stdout', 'a line\n' + table)])), 'self-test: a printed markdown table went unnoticed'
    assert not table_problems(_code([md(table)])) and not table_problems(_code([stream('stdout', 'a | b, and |x|\n')]))
    print('self-test: a markdown table printed to stdout is reported; one displayed as Markdown, and a stray pipe, are not')

    # 10. a table of the home page that no longer matches its results file
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / 'r.json').write_text('{"x": 1.5}')
        cell = lambda saved: {'cells': [{'cell_type': 'code', 'id': 't', 'metadata': {}, 'source': "#| echo: false\nimport json\nr = json.load(open('r.json'))\nMarkdown(f\"| x | {r['x']} |\")",
                                         'outputs': [md(saved)]}]}
        assert not results_table_problems(cell('| x | 1.5 |'), Path(d))[0]
        assert results_table_problems(cell('| x | 1.4 |'), Path(d))[0], 'self-test: a stale results table went unnoticed'
    print('self-test: a home-page table whose saved output differs from its results file is reported; a current one is not')


def main() -> int:
    if '--write-readme' in sys.argv:
        (ROOT / 'README.md').write_text(readme_text()); print('README.md written from nbs/index.ipynb'); return 0
    if '--strip-plotly-mathjax' in sys.argv:
        for a in sys.argv[sys.argv.index('--strip-plotly-mathjax') + 1:]:
            print(f'{a}: MathJax removed from {strip_plotly_mathjax(Path(a))} plotly outputs')
        return 0
    if '--self-test' in sys.argv: self_test()
    shutil.rmtree(PROC, ignore_errors=True)   # no stale cache (nbdev keeps a page whose notebook is older than it)
    r = subprocess.run(['nbdev-proc-nbs'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:]); print('nbdev-proc-nbs failed'); return 1
    sidebar = sidebar_problems(NBS, NBS / 'sidebar.yml')
    pages, failed = lessons(NBS), 0
    OUT.mkdir(exist_ok=True)
    import plotly
    shutil.copy(Path(plotly.__file__).parent / 'package_data' / 'plotly.min.js', OUT / 'plotly.min.js')
    seen = dict(entries=0, figures=0, plotly_html=0, outputs=0)
    for rel in pages:
        proc_nb = PROC / rel
        js = '../' * (len(Path(rel).parts) - 1) + 'plotly.min.js'
        probs = render_problems(proc_nb, OUT / Path(rel).with_suffix('.html'), js) if proc_nb.exists() \
            else [f'nbdev-proc-nbs did not produce {rel}']
        if proc_nb.exists():
            api, n = api_problems(json.loads(proc_nb.read_text())); seen['entries'] += n
            probs += api
        saved, counts = saved_output_problems(json.loads((NBS / rel).read_text()))
        probs += saved
        for k, v in counts.items(): seen[k] += v
        probs += [p for p in sidebar if p.endswith(': ' + rel)]
        failed += bool(probs)
        for p in probs: print('FAIL', f'{rel}: {p}' if not p.startswith(Path(rel).name) else p)
    for p in sidebar:
        if not any(p.endswith(': ' + rel) for rel in pages): print('FAIL', p); failed += 1
    table_probs, n_tables = results_table_problems(json.loads((NBS / 'index.ipynb').read_text()), NBS)
    for p in table_probs: print('FAIL', f'index.ipynb: {p}'); failed += 1
    print(f'{n_tables} tables of the home page rendered again from their results files')
    if (ROOT / 'README.md').read_text() != readme_text():
        print('FAIL README.md is not in step with nbs/index.ipynb: run python tools/check_docs.py --write-readme'); failed += 1
    print(f'{len(pages)} lessons rendered to {OUT.relative_to(ROOT)}/ (plotly.js from {OUT.relative_to(ROOT)}/plotly.min.js)')
    print(f"looked at: {seen['entries']} API entries (non-empty, no error, no __main__.X); {seen['figures']} saved plotly "
          f"figures (no slider step or button replaces a title); {seen['plotly_html']} plotly HTML outputs (none may load "
          f"MathJax); {seen['outputs']} saved outputs (no local path, no table printed as raw pipes)")
    print(f'docs: {len(pages) - min(failed, len(pages))} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
