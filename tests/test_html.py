"""--format html: our Markdown as HTML (markdown_to_html, shared with the Moodle and QTI exports)
and the self-checking page. The page in a real browser: tests/test_html_browser.py."""
from solver.render.html import markdown_to_html


# ---------------------------------------------------------------- markdown_to_html

def test_math_is_kept_as_tex_between_katex_and_mathjax_delimiters():
    out = markdown_to_html("The sum $z^{[1]} < 1$ is\n\n$$x = \\begin{bmatrix} 0.5 \\\\ 0.3 \\end{bmatrix}$$\n")
    assert '<span class="math inline">\\(z^{[1]} &lt; 1\\)</span>' in out
    # the row break \\ of a matrix is not read as a Markdown escape
    assert '<div class="math display">\\[x = \\begin{bmatrix} 0.5 \\\\ 0.3 \\end{bmatrix}\\]</div>' in out
    assert "$" not in out


def test_markdown_markup_tables_and_pictures():
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="
    out = markdown_to_html(f"### Step 1. Given\n\nLoss **bce**, key `z1`.\n\n| a | b |\n|---|---|\n| $x_1$ | 2 |\n\n"
                           f"![The network]({png})\n\n![A chart]({svg})\n")
    assert "<h3>Step 1. Given</h3>" in out
    assert "<strong>bce</strong>" in out and "<code>z1</code>" in out
    assert '<td><span class="math inline">\\(x_1\\)</span></td>' in out
    assert f'<img src="{png}" alt="The network" />' in out
    assert f'<img src="{svg}" alt="A chart" />' in out


def test_user_text_is_escaped_and_no_markup_gets_through():
    from solver.render.escape import markdown_escape
    hostile = '<script>alert("x")</script> & $\\frac{1}{2}$ \\(y\\) [a](javascript:alert(1))'
    out = markdown_to_html("# " + markdown_escape(hostile) + "\n\n<img src=x onerror=alert(1)>\n\n"
                           "[link](javascript:alert(1)) ![p](data:text/html;base64,PGI+)\n")
    assert "<script" not in out and "<img src=x" not in out and "onerror=alert(1)>" not in out
    assert 'href="javascript' not in out and 'src="data:text' not in out
    assert "&lt;script&gt;" in out
    # the escaped dollars of a title are text, not math
    assert 'class="math' not in out.split("</h1>")[0]
