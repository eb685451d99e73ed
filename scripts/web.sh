#!/bin/sh
# Builds the web UI (web/) into web/dist, which `ichigen serve` serves (setting web_dir).
#   1. `npm ci` when web/package-lock.json changed since the last install (stamp in
#      web/node_modules/.ichigen-lock-stamp: the lockfile's checksum);
#   2. `npm run build` (vite) when anything under web/ that goes into the build changed since the
#      last build (stamp web/dist/.ichigen-build-stamp: a checksum over those files);
#   3. gzips every asset (web/dist/assets) beside itself (x.js → x.js.gz) so the server can send it compressed;
#   4. prints the compressed size of the JavaScript the first page loads.
# Needs node and npm (scripts/deps.sh installs Debian's when there are none). No network is used
# when node_modules is up to date.
set -eu
cd "$(dirname "$0")/../web"

sum() { sha256sum | cut -c1-64; }

lock_sum=$(sum <package-lock.json)
stamp=node_modules/.ichigen-lock-stamp
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    echo "web.sh: installing the web UI's npm packages (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$lock_sum" >"$stamp"
fi

# Everything the build reads: sources, the page, the config and the lockfile (exact versions).
src_sum=$( (
    echo "$lock_sum"
    find src index.html vite.config.js package.json -type f | LC_ALL=C sort | xargs sha256sum
) | sum)
bstamp=dist/.ichigen-build-stamp
if [ ! -f "$bstamp" ] || [ "$(cat "$bstamp")" != "$src_sum" ] || [ ! -f dist/index.html ]; then
    echo "web.sh: building the web UI (vite build → web/dist)" >&2
    npm run --silent build -- --logLevel warn >&2
    find dist/assets -type f ! -name '*.gz' | while read -r f; do
        gzip -9 -n -k -f "$f"
    done
    echo "$src_sum" >"$bstamp"
fi

# The first page: index.html's own script and its modulepreload links (not lazy route chunks).
total=0
for a in $(grep -oE '(src|href)="/assets/[^"]+\.js"' dist/index.html | sed -E 's/.*"\/(assets\/[^"]+)"/\1/'); do
    n=$(wc -c <"dist/$a.gz")
    total=$((total + n))
done
echo "web UI: web/dist built; first page loads $total bytes of gzip-compressed JavaScript"
