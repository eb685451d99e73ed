#!/bin/sh
# The correlation index's prefetch instructions are in the object code (issue 13 item 3).
# GCC 12 at -O2 deleted every call to a function that only prefetched (it finds such a function
# free of side effects), which took the one-at-a-time and batched lookups back to waiting for
# each memory read in turn without any test noticing (bench/README.md, "Fourth pass"). The
# functions of src/sharing/ioc_index.c named below must each hold at least the number of
# prefetches given: the slots of a fixed-size kind (2: a slot may cross a line) and of the text
# table (1), and for the batched queries the text entries' two lines (2).
#   prefetch_kept.sh path/to/libichigen.a     (TAP on stdout)
set -u
lib=$1
dis=$(objdump -d --no-show-raw-insn "$lib") || { echo "1..0 # SKIP objdump failed"; exit 0; }
set -- ioc_index_query_key:3 ioc_index_query_many:5
echo "1..$#"
i=0
for fm in "$@"; do
    i=$((i + 1))
    f=${fm%:*} min=${fm#*:}
    n=$(printf '%s\n' "$dis" | awk -v f="<$f>:" '$2 == f { p = 1; next } /^$/ { p = 0 } p' |
        grep -c prefetch)
    if [ "$n" -ge "$min" ]; then
        echo "ok $i - $f holds $n prefetch instructions (at least $min)"
    else
        echo "not ok $i - $f holds $n prefetch instructions, not $min (were the prefetchers inlined?)"
    fi
done
