#!/usr/bin/env bash
# Chinese on the command line (docs/i18n.md). Usage: i18n_cli_check.sh NETSIM REPO_ROOT BUILD_DIR
#  - error messages in Chinese, by LANG=zh_CN.UTF-8 and by --lang zh, with the
#    English message's file:line:column and JSON path (tests/i18n/errors-zh);
#  - how the language is chosen: --lang, then LANGUAGE (ignored in the C
#    locale, as gettext does), LC_ALL, LC_MESSAGES, LANG; a bad --lang value;
#  - the catalogue found under an install prefix (cmake --install);
#  - --help --lang zh as checked in, its columns aligned by display width.
set -uo pipefail
netsim=$1 root=$2 build=$3
case "$netsim" in /*) ;; *) netsim="$PWD/$netsim" ;; esac
. "$(dirname "$0")/lib.sh"
cd "$root"

# in_env VAR=VALUE... -- ARGS...: netsim with only the given locale variables.
in_env() {
    local vars=()
    while [ "$1" != "--" ]; do
        vars+=("$1")
        shift
    done
    shift
    env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE "${vars[@]}" "$netsim" "$@"
}

# first_line STATUS "FIRST STDERR LINE" VAR=VALUE... -- ARGS...
first_line() {
    local status=$1 message=$2
    shift 2
    in_env "$@" >"$work/out" 2>"$work/err"
    local got=$? line
    line=$(head -n 1 "$work/err")
    if [ "$got" -ne "$status" ] || [ "$line" != "$message" ]; then
        fail "netsim $*: expected status $status and \"$message\", got status $got and \"$line\""
    fi
}

# 1. Errors in Chinese: same position and path as in English.
for expected in tests/i18n/errors-zh/*.expected; do
    case_name=$(basename "$expected" .expected)
    zh=$(cat "$expected")
    en=$(cat "tests/errors/$case_name.expected")
    [ "${zh%%: *}" = "${en%%: *}" ] || fail "$case_name: position ${zh%%: *}, English ${en%%: *}"
    en_path=${en#*: } en_path=${en_path%%: *}
    zh_path=${zh#*: } zh_path=${zh_path%%: *}
    if [[ "$en_path" != *" "* || "$en_path" = "(top level)" ]] && [ "$zh_path" != "$en_path" ]; then
        fail "$case_name: JSON path $zh_path, English $en_path"
    fi
    for how in "LANG=zh_CN.UTF-8 --" "LC_ALL=C -- --lang zh" "LANG=en_US.UTF-8 -- --lang=zh"; do
        read -ra words <<<"$how"
        in_env "${words[@]}" check "tests/errors/$case_name.json" >/dev/null 2>"$work/err"
        status=$?
        [ "$status" -eq 1 ] || fail "$case_name ($how): exit status $status, expected 1"
        printf 'netsim: %s\n' "$zh" | cmp -s - "$work/err" ||
            fail "$case_name ($how): stderr differs from $expected: $(cat "$work/err")"
    done
done

# 2. The runner's and the command line's own messages.
first_line 3 "netsim: 运行在 0.000015440 s 结束，共 4 个事件，送达 3 帧：已停止：达到了 --max-events 的限制（拓扑失控了？）" \
    LC_ALL=C -- run topologies/switch.json --quiet --max-events 4 --out "$work/limit" --lang zh
first_line 2 'netsim: --seed 需要一个非负整数，得到的是 "-1"' LANG=zh_CN.UTF-8 -- run topologies/switch.json --seed -1
grep -q '^用法：netsim run FILE' "$work/err" || fail "the usage after a Chinese usage error is not in Chinese"

# 3. Choosing the language (gettext's rules: LANGUAGE first unless the locale is C).
zh='netsim: 没有给出命令' en='netsim: no command given'
first_line 2 "$en" --
first_line 2 "$zh" LANG=zh_CN.UTF-8 --
first_line 2 "$zh" LANG=zh_CN.UTF-8 LANGUAGE= --
first_line 2 "$zh" LANGUAGE=zh LANG=en_US.UTF-8 --
first_line 2 "$zh" LANGUAGE=zh_CN:en LC_ALL=en_US.UTF-8 --
first_line 2 "$en" LANGUAGE=zh LC_ALL=C --
first_line 2 "$en" LANGUAGE=zh LC_ALL=POSIX LANG=zh_CN.UTF-8 --
first_line 2 "$en" LANGUAGE=zh LANG=C --
first_line 2 "$en" LANGUAGE=en LANG=zh_CN.UTF-8 --
first_line 2 "$zh" LC_ALL=zh_CN.UTF-8 LANG=en_US.UTF-8 --
first_line 2 "$en" LC_MESSAGES=en_US.UTF-8 LANG=zh_CN.UTF-8 --
first_line 2 "$zh" LC_MESSAGES=zh_CN.GB18030 LANG=C --
first_line 2 "$zh" LANG=C -- --lang zh
first_line 2 "$en" LANG=zh_CN.UTF-8 LANGUAGE=zh -- --lang en
first_line 2 "$zh" LC_ALL=C -- --lang=zh_CN.UTF-8
# A bad --lang: the complaint in the environment's language.
first_line 2 'netsim: --lang needs zh or en, got "fr"' LC_ALL=C -- --lang fr check topologies/switch.json
first_line 2 'netsim: --lang 需要 zh 或 en，得到的是 "fr"' LANG=zh_CN.UTF-8 -- check topologies/switch.json --lang fr
first_line 2 'netsim: --lang needs zh or en' LC_ALL=C -- check topologies/switch.json --lang

# 4. Installed under a prefix, netsim finds its catalogue there.
if cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1; then
    mo=$work/prefix/share/locale/zh_CN/LC_MESSAGES/netsim.mo
    [ -f "$mo" ] || fail "cmake --install put no catalogue at share/locale/zh_CN/LC_MESSAGES/netsim.mo"
    netsim_saved=$netsim
    netsim=$work/prefix/bin/netsim
    first_line 2 "$zh" LC_ALL=C -- --lang zh
    first_line 2 "$zh" LANG=zh_CN.UTF-8 --
    # Without it, English and a note (unless a system-wide copy exists).
    rm -f "$mo"
    if ! ls /usr/local/share/locale/zh_CN/LC_MESSAGES/netsim.mo >/dev/null 2>&1; then
        in_env LC_ALL=C -- --lang zh 2>"$work/err"
        grep -q '^netsim: no Chinese message catalogue .*; messages stay in English$' "$work/err" &&
            grep -qx "$en" "$work/err" ||
            fail "without its catalogue, an installed netsim --lang zh did not stay in English: $(cat "$work/err")"
    fi
    netsim=$netsim_saved
else
    fail "cmake --install $build --prefix ...: $(cat "$work/install.log")"
fi

# 5. --help in Chinese: as checked in, and its columns aligned.
in_env LC_ALL=C -- --help --lang zh >"$work/help.zh" 2>&1
diff -u tests/i18n/help.zh.txt "$work/help.zh" >&2 || fail "netsim --help --lang zh differs from tests/i18n/help.zh.txt"
in_env LANG=zh_CN.UTF-8 -- --help | cmp -s - "$work/help.zh" || fail "LANG=zh_CN.UTF-8 netsim --help differs from --help --lang zh"
in_env LC_ALL=C -- --help >"$work/help.en"
python3 tests/i18n_help_check.py "$work/help.en" "$work/help.zh" || fail "the Chinese --help is not aligned"

# 6. A path diagram in Chinese: its caption, legend and table heads are
# translated (Graphviz's HTML labels hold them as character references).
in_env LC_ALL=C PATH="$work" -- run topologies/switch.json --lang zh --quiet --out "$work/paths" ||
    fail "netsim run --lang zh failed"
dot_zh=$(python3 -c 'import html, sys; print(html.unescape(open(sys.argv[1]).read()))' \
    "$work/paths/paths/1.dot")
for text in "数据包 #1：</B>" "■ 发出" "■ 原样转发" "✓ 已交付" ">发生了什么<" ">MAC 源 → 目的<" ">链路<"; do
    grep -qF -- "$text" <<<"$dot_zh" || fail "paths/1.dot in Chinese lacks \"$text\""
done
for text in "packet #" "what happened" "delivered" "forwarded unchanged"; do
    grep -qF -- "$text" <<<"$dot_zh" && fail "paths/1.dot in Chinese still says \"$text\""
done

finish i18n_cli_check
