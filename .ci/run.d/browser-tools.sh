# shellcheck shell=bash
# The tools behind the browser, accessibility and HTML-validity tests, for
# .ci/run to source after activating its venv:   . .ci/run.d/browser-tools.sh
#
# - Debian's Chromium (/usr/bin/chromium), when root and apt-get exist.
#   Playwright's own browser download cannot work here; Debian's can.
# - axe-core and the Nu HTML Checker (vnu-jar) from npm, pinned, into a
#   temporary folder outside the checkout; their paths are exported for
#   tests/browser/conftest.py (TEI_EDITION_AXE_JS) and tests/sitecheck.py
#   (TEI_EDITION_VNU_JAR).  --ignore-scripts: vnu-jar's install script would
#   try to download a Java runtime; the machine's Java runs the jar.
# - Under CI=true, a missing tool stops the run: the tests would otherwise
#   skip and the run would pass without having checked anything.
#
# Python packages (playwright, pagefind[extended]) come from pyproject.toml.

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if command -v npm >/dev/null 2>&1; then
    tei_edition_tools=$(mktemp -d)
    npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$tei_edition_tools" \
        axe-core@4.14.1 vnu-jar@26.9.27
    export TEI_EDITION_AXE_JS="$tei_edition_tools/node_modules/axe-core/axe.min.js"
    export TEI_EDITION_VNU_JAR="$tei_edition_tools/node_modules/vnu-jar/build/dist/vnu.jar"
fi

if [ "${CI:-}" = true ]; then
    for tei_edition_needed in /usr/bin/chromium "${TEI_EDITION_AXE_JS:-axe.min.js}" "${TEI_EDITION_VNU_JAR:-vnu.jar}"; do
        if [ ! -e "$tei_edition_needed" ]; then
            echo "CI: $tei_edition_needed is missing; the browser and HTML tests would only skip" >&2
            exit 1
        fi
    done
    command -v java >/dev/null 2>&1 || { echo "CI: java is missing (the Nu HTML Checker needs it)" >&2; exit 1; }
fi
