"""KaTeX 0.19.1 (https://katex.org, MIT licence: LICENSE beside this file), as the npm package
`katex` ships it: dist/katex.min.js, dist/katex.min.css, dist/contrib/auto-render.min.js and
dist/fonts/*.woff2, unchanged. solver/render/html.py inlines them into every --format html page
(the fonts as data URIs). To update: `npm pack katex`, copy those files here, change the version
above and in the README, and run tests/test_html.py and tests/test_html_browser.py."""
