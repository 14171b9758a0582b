#!/usr/bin/env bash
# Vendor the front-end assets so the site works offline (no CDN).
#
# Fetches pinned releases from the npm registry with `npm pack` (no CDN, no
# other URL), together with each project's licence:
#
#   static/vendor/bootstrap/        bootstrap.min.css, bootstrap.bundle.min.js, LICENSE
#   static/vendor/bootstrap-icons/  bootstrap-icons.min.css, fonts/*.woff2|*.woff, LICENSE
#   static/vendor/htmx/             htmx.min.js, LICENSE
#   static/vendor/plotly/           plotly-basic.min.js (scatter, bar, pie: every chart
#                                   but the map), plotly.min.js (all traces, for the
#                                   observatory's map alone), LICENSE; one plotly.js
#                                   version for both
#   tests/vendor/axe-core/          axe.min.js, LICENSE, LICENSE-3RD-PARTY.txt (tests only)
#   static/vendor/README.md         versions, sources and licences
#
# Source maps are not vendored, and any `sourceMappingURL` comment is removed
# from the copied .min.js/.min.css files: Django's ManifestStaticFilesStorage
# (used by whitenoise) fails collectstatic on a reference to a missing map.
#
# Usage:
#   scripts/vendor_assets.sh            # fetch the pinned versions below
#   scripts/vendor_assets.sh --latest   # resolve the newest release in each
#                                       # allowed range instead (then update the
#                                       # pins below to what it reports)
#
# Environment overrides: BOOTSTRAP_VERSION, BOOTSTRAP_ICONS_VERSION,
# HTMX_VERSION, PLOTLY_JS_VERSION, AXE_CORE_VERSION.
set -euo pipefail

# --- Pinned versions (allowed ranges in comments; bump with --latest) -------
BOOTSTRAP_VERSION="${BOOTSTRAP_VERSION:-5.3.9}"              # 5.3.x
BOOTSTRAP_ICONS_VERSION="${BOOTSTRAP_ICONS_VERSION:-1.13.2}" # 1.x
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"                       # 2.0.x
PLOTLY_JS_VERSION="${PLOTLY_JS_VERSION:-4.1.1}"              # 4.x (both plotly bundles)
AXE_CORE_VERSION="${AXE_CORE_VERSION:-4.14.1}"               # 4.x

BOOTSTRAP_RANGE="5.3"
BOOTSTRAP_ICONS_RANGE="1"
HTMX_RANGE="2.0"
PLOTLY_JS_RANGE="4"
AXE_CORE_RANGE="4"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

STATIC_VENDOR="$ROOT/static/vendor"
TESTS_VENDOR="$ROOT/tests/vendor"

log() { printf '[vendor_assets] %s\n' "$*" >&2; }
die() { printf '[vendor_assets] ERROR: %s\n' "$*" >&2; exit 1; }

USE_LATEST=0
for arg in "$@"; do
    case "$arg" in
        --latest) USE_LATEST=1 ;;
        -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $arg" ;;
    esac
done

command -v npm >/dev/null || die "npm is required"
command -v node >/dev/null || die "node is required"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/vendor_assets.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
STAGE="$TMP/stage"
mkdir -p "$TMP/packs" "$TMP/src" "$STAGE/static" "$STAGE/tests"

# Newest published (non-prerelease) version of PKG matching RANGE.
resolve_latest() {
    local pkg="$1" range="$2"
    (cd "$TMP" && npm view "${pkg}@${range}" version --json) |
        node -e '
            let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
                let v = JSON.parse(s); if (!Array.isArray(v)) v = [v];
                v = v.filter(x => !x.includes("-"));
                const cmp = (a, b) => { const x = a.split(".").map(Number), y = b.split(".").map(Number);
                    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; };
                v.sort(cmp); if (!v.length) process.exit(1); console.log(v[v.length - 1]);
            });'
}

if [[ "$USE_LATEST" == 1 ]]; then
    BOOTSTRAP_VERSION="$(resolve_latest bootstrap "$BOOTSTRAP_RANGE")"
    BOOTSTRAP_ICONS_VERSION="$(resolve_latest bootstrap-icons "$BOOTSTRAP_ICONS_RANGE")"
    HTMX_VERSION="$(resolve_latest htmx.org "$HTMX_RANGE")"
    # The basic bundle is published with each release, after the full one: take the newest that has both.
    PLOTLY_JS_VERSION="$(resolve_latest plotly.js-basic-dist-min "$PLOTLY_JS_RANGE")"
    AXE_CORE_VERSION="$(resolve_latest axe-core "$AXE_CORE_RANGE")"
    log "resolved latest: bootstrap $BOOTSTRAP_VERSION, bootstrap-icons $BOOTSTRAP_ICONS_VERSION," \
        "htmx.org $HTMX_VERSION, plotly.js $PLOTLY_JS_VERSION, axe-core $AXE_CORE_VERSION" \
        "(update the pins in this script)"
fi

# npm pack PKG VERSION -> unpacks into $TMP/src/PKG, records integrity.
declare -A INTEGRITY=()
fetch() {
    local pkg="$1" version="$2" json tarball
    log "npm pack ${pkg}@${version}"
    json="$TMP/packs/${pkg}.json"
    (cd "$TMP/packs" && npm pack "${pkg}@${version}" --json --silent > "$json")
    tarball="$(node -e 'const fs = require("fs"); console.log(JSON.parse(fs.readFileSync(process.argv[1]))[0].filename)' "$json")"
    INTEGRITY[$pkg]="$(node -e 'const fs = require("fs"); console.log(JSON.parse(fs.readFileSync(process.argv[1]))[0].integrity)' "$json")"
    mkdir -p "$TMP/src/$pkg"
    tar -xzf "$TMP/packs/$tarball" -C "$TMP/src/$pkg" --strip-components=1
    local got
    got="$(node -p 'require(process.argv[1]).version' "$TMP/src/$pkg/package.json")"
    [[ "$got" == "$version" ]] || die "$pkg: expected version $version, tarball has $got"
}

npm_license() { node -p 'require(process.argv[1]).license' "$TMP/src/$1/package.json"; }

# Copy SRC to DEST, failing if SRC is missing.
copy() {
    [[ -f "$1" ]] || die "missing file in package: $1"
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
}

# Remove `//# sourceMappingURL=...` and `/*# sourceMappingURL=... */` lines.
strip_sourcemap() {
    local f="$1"
    sed -i -E \
        -e '/^[[:space:]]*\/\/[#@][[:space:]]*sourceMappingURL=.*$/d' \
        -e '/^[[:space:]]*\/\*[#@][[:space:]]*sourceMappingURL=.*\*\/[[:space:]]*$/d' \
        "$f"
    if grep -q 'sourceMappingURL' "$f"; then
        die "$f still contains a sourceMappingURL after stripping"
    fi
}

fetch bootstrap "$BOOTSTRAP_VERSION"
fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION"
fetch htmx.org "$HTMX_VERSION"
fetch plotly.js-dist-min "$PLOTLY_JS_VERSION"
fetch plotly.js-basic-dist-min "$PLOTLY_JS_VERSION"
fetch axe-core "$AXE_CORE_VERSION"

# --- bootstrap ---------------------------------------------------------------
d="$STAGE/static/bootstrap"
copy "$TMP/src/bootstrap/dist/css/bootstrap.min.css" "$d/bootstrap.min.css"
copy "$TMP/src/bootstrap/dist/js/bootstrap.bundle.min.js" "$d/bootstrap.bundle.min.js"
copy "$TMP/src/bootstrap/LICENSE" "$d/LICENSE"

# --- bootstrap-icons -----------------------------------------------------------
d="$STAGE/static/bootstrap-icons"
copy "$TMP/src/bootstrap-icons/font/bootstrap-icons.min.css" "$d/bootstrap-icons.min.css"
copy "$TMP/src/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$d/fonts/bootstrap-icons.woff2"
copy "$TMP/src/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$d/fonts/bootstrap-icons.woff"
copy "$TMP/src/bootstrap-icons/LICENSE" "$d/LICENSE"

# --- htmx ------------------------------------------------------------------------
d="$STAGE/static/htmx"
copy "$TMP/src/htmx.org/dist/htmx.min.js" "$d/htmx.min.js"
copy "$TMP/src/htmx.org/LICENSE" "$d/LICENSE"

# --- axe-core (browser accessibility tests only; not served) ----------------------
d="$STAGE/tests/axe-core"
copy "$TMP/src/axe-core/axe.min.js" "$d/axe.min.js"
copy "$TMP/src/axe-core/LICENSE" "$d/LICENSE"
if [[ -f "$TMP/src/axe-core/LICENSE-3RD-PARTY.txt" ]]; then
    copy "$TMP/src/axe-core/LICENSE-3RD-PARTY.txt" "$d/LICENSE-3RD-PARTY.txt"
fi

# --- plotly.js: the basic bundle for every chart, the full one for the map alone ----------
# Both from the same release, so that a page draws the same with either.
d="$STAGE/static/plotly"
copy "$TMP/src/plotly.js-basic-dist-min/plotly-basic.min.js" "$d/plotly-basic.min.js"
copy "$TMP/src/plotly.js-dist-min/plotly.min.js" "$d/plotly.min.js"
copy "$TMP/src/plotly.js-dist-min/LICENSE" "$d/LICENSE"
cmp -s "$TMP/src/plotly.js-dist-min/LICENSE" "$TMP/src/plotly.js-basic-dist-min/LICENSE" ||
    die "the two plotly.js bundles carry different licences"
for f in "$d/plotly-basic.min.js" "$d/plotly.min.js"; do
    head -c 300 "$f" | grep -qF "v${PLOTLY_JS_VERSION}" ||
        die "$f does not announce plotly.js v${PLOTLY_JS_VERSION} in its header"
done

# --- strip source-map references from every vendored minified file ---------------
while IFS= read -r -d '' f; do
    strip_sourcemap "$f"
done < <(find "$STAGE" -type f \( -name '*.min.js' -o -name '*.min.css' \) -print0)

# --- sanity checks on the staged tree ------------------------------------------------
# Every font referenced by bootstrap-icons.min.css must exist (relative path).
css="$STAGE/static/bootstrap-icons/bootstrap-icons.min.css"
refs="$(grep -o 'url("[^"]*")' "$css" | sed -E 's/^url\("//; s/"\)$//; s/[?#].*$//' | sort -u)"
[[ -n "$refs" ]] || die "no url() found in bootstrap-icons.min.css"
while IFS= read -r ref; do
    [[ "$ref" == fonts/* ]] || die "unexpected url in bootstrap-icons.min.css: $ref"
    [[ -f "$STAGE/static/bootstrap-icons/$ref" ]] || die "bootstrap-icons.min.css references missing $ref"
done <<< "$refs"

# Minimum plausible sizes (bytes) so a truncated or wrong file is caught.
check_size() {
    local f="$1" min="$2" size
    [[ -f "$f" ]] || die "missing $f"
    size="$(wc -c < "$f")"
    (( size >= min )) || die "$f is suspiciously small ($size bytes < $min)"
}
check_size "$STAGE/static/bootstrap/bootstrap.min.css" 100000
check_size "$STAGE/static/bootstrap/bootstrap.bundle.min.js" 50000
check_size "$STAGE/static/bootstrap-icons/bootstrap-icons.min.css" 50000
check_size "$STAGE/static/bootstrap-icons/fonts/bootstrap-icons.woff2" 50000
check_size "$STAGE/static/bootstrap-icons/fonts/bootstrap-icons.woff" 50000
check_size "$STAGE/static/htmx/htmx.min.js" 20000
check_size "$STAGE/static/plotly/plotly-basic.min.js" 500000
check_size "$STAGE/static/plotly/plotly.min.js" 2000000
check_size "$STAGE/tests/axe-core/axe.min.js" 200000
for f in "$STAGE"/static/*/LICENSE "$STAGE"/tests/*/LICENSE; do check_size "$f" 300; done

# --- README ---------------------------------------------------------------------------
BOOTSTRAP_LICENSE_ID="$(npm_license bootstrap)"
BOOTSTRAP_ICONS_LICENSE_ID="$(npm_license bootstrap-icons)"
HTMX_LICENSE_ID="$(npm_license htmx.org)"
PLOTLY_LICENSE_ID="$(npm_license plotly.js-dist-min)"
AXE_CORE_LICENSE_ID="$(npm_license axe-core)"

cat > "$STAGE/static/README.md" <<EOF
# Vendored front-end assets

These files are served from our own static files so that the site works
offline, without any CDN. Do not edit them by hand: refresh with
\`scripts/vendor_assets.sh\` (pinned versions are at the top of the script;
\`scripts/vendor_assets.sh --latest\` resolves the newest release in each
allowed range). Source maps are not vendored and \`sourceMappingURL\`
comments are stripped, so \`collectstatic\` with whitenoise's manifest
storage does not look for missing \`.map\` files.

| Asset | Version | Source | Licence |
| --- | --- | --- | --- |
| \`bootstrap/\` (\`bootstrap.min.css\`, \`bootstrap.bundle.min.js\`) | ${BOOTSTRAP_VERSION} | npm package \`bootstrap\` | ${BOOTSTRAP_LICENSE_ID} (\`bootstrap/LICENSE\`) |
| \`bootstrap-icons/\` (\`bootstrap-icons.min.css\`, \`fonts/\`) | ${BOOTSTRAP_ICONS_VERSION} | npm package \`bootstrap-icons\` | ${BOOTSTRAP_ICONS_LICENSE_ID} (\`bootstrap-icons/LICENSE\`) |
| \`htmx/\` (\`htmx.min.js\`) | ${HTMX_VERSION} | npm package \`htmx.org\` | ${HTMX_LICENSE_ID} (\`htmx/LICENSE\`) |
| \`plotly/\` (\`plotly-basic.min.js\`: scatter, bar, pie — every chart but the map) | plotly.js ${PLOTLY_JS_VERSION} | npm package \`plotly.js-basic-dist-min\` | ${PLOTLY_LICENSE_ID} (\`plotly/LICENSE\`) |
| \`plotly/\` (\`plotly.min.js\`: every trace type, for the observatory's map alone) | plotly.js ${PLOTLY_JS_VERSION} | npm package \`plotly.js-dist-min\` | ${PLOTLY_LICENSE_ID} (\`plotly/LICENSE\`) |
| \`tests/vendor/axe-core/\` (\`axe.min.js\`) — browser accessibility tests only, not served | ${AXE_CORE_VERSION} | npm package \`axe-core\` | ${AXE_CORE_LICENSE_ID} (\`tests/vendor/axe-core/LICENSE\`) |

npm tarball integrity (as reported by \`npm pack\`):

- bootstrap ${BOOTSTRAP_VERSION}: \`${INTEGRITY[bootstrap]}\`
- bootstrap-icons ${BOOTSTRAP_ICONS_VERSION}: \`${INTEGRITY[bootstrap-icons]}\`
- htmx.org ${HTMX_VERSION}: \`${INTEGRITY[htmx.org]}\`
- plotly.js-basic-dist-min ${PLOTLY_JS_VERSION}: \`${INTEGRITY[plotly.js-basic-dist-min]}\`
- plotly.js-dist-min ${PLOTLY_JS_VERSION}: \`${INTEGRITY[plotly.js-dist-min]}\`
- axe-core ${AXE_CORE_VERSION}: \`${INTEGRITY[axe-core]}\`
EOF

# --- install the staged tree (only the directories this script owns) ------------------
install_dir() {
    local src="$1" dest="$2"
    mkdir -p "$(dirname "$dest")"
    rm -rf "$dest"
    cp -R "$src" "$dest"
}
for name in bootstrap bootstrap-icons htmx plotly; do
    install_dir "$STAGE/static/$name" "$STATIC_VENDOR/$name"
done
install_dir "$STAGE/tests/axe-core" "$TESTS_VENDOR/axe-core"
mkdir -p "$STATIC_VENDOR"
cp "$STAGE/static/README.md" "$STATIC_VENDOR/README.md"

log "done: bootstrap $BOOTSTRAP_VERSION, bootstrap-icons $BOOTSTRAP_ICONS_VERSION, htmx.org $HTMX_VERSION," \
    "plotly.js $PLOTLY_JS_VERSION, axe-core $AXE_CORE_VERSION"
