"""Words of the settings checks (``yitu.toml``): wrong types, unknown or missing keys, out-of-range numbers."""

from __future__ import annotations

from yitu.words import register

register({
    "settings.problems": ("{source}：设置有 {n} 处问题：{items}", "{source}: {n} problem(s) in the settings: {items}"),
    "settings.wrong_type": ("{key} = {value}：应为{expected}{hint}", "{key} = {value}: expected {expected}{hint}"),
    "settings.unknown": ("{where}：未知的设置 {keys}；可用：{known}", "{where}: unknown setting(s) {keys}; known: {known}"),
    "settings.missing": ("{where}：缺少设置 {keys}；每项都需要 {required}",
                         "{where}: missing setting(s) {keys}; each entry needs {required}"),
    "settings.range_gt0": ("{key} = {value}：应为大于 0 的数字{hint}", "{key} = {value}: must be a number greater than 0{hint}"),
    "settings.range_ge0": ("{key} = {value}：应为不小于 0 的数字{hint}", "{key} = {value}: must be a number ≥ 0{hint}"),
    "settings.bbox": ("{key} = {value}：应为空列表或 4 个数字 [最小经度, 最小纬度, 最大经度, 最大纬度]，且最小值小于最大值",
                      "{key} = {value}: must be empty or 4 numbers [min_lon, min_lat, max_lon, max_lat], min below max"),
    "settings.hint_unquote": ("（去掉引号）", " (write it without quotes)"),
    "settings.hint_write": ("（写成 {example}）", " (write {example})"),
    "settings.hint_quote": ("（加上引号，如 \"{example}\"）", " (put it in quotes, e.g. \"{example}\")"),
    "settings.hint_list": ("（写成列表，如 [{example}]）", " (write a list, e.g. [{example}])"),
    "settings.hint_table": ("（写成表，如 {{ 名称 = 数值 }} 或单独一节 [{key}]）",
                            " (write a table, e.g. {{ name = value }} or a section [{key}])"),
    "settings.type_float": ("数字", "a number"),
    "settings.type_int": ("整数", "a whole number"),
    "settings.type_str": ("文本", "text"),
    "settings.type_bool": ("true 或 false", "true or false"),
    "settings.type_list": ("{item}列表", "a list, each item {item}"),
    "settings.type_list_item": ("{item}", "{item}"),
    "settings.type_table": ("表（名称 = {item}）", "a table (name = {item})"),
    "settings.type_section": ("表（一节设置）", "a table (a section of settings)"),
    "settings.type_list_of_tables": ("表的数组 [[...]]", "an array of tables [[...]]"),
})

register({
    "settings.bad_toml": ("{path}：不是有效的 TOML（{exc}）；请修正该文件，或删除它以使用默认设置",
                          "{path}: not valid TOML ({exc}); fix the file or delete it to use the defaults"),
    "settings.unknown_profile": ("未知速度配置 {name!r}；已定义：{profiles}（可在 yitu.toml 的 [profiles.名称] 下添加）",
                                 "unknown speed profile {name!r}; defined profiles: {profiles} (add one under [profiles.NAME] in yitu.toml)"),
    "settings.no_path": ("{path}：没有这个文件夹或文件（请给出项目文件夹或其 yitu.toml）",
                         "{path}: no such folder or file (give a project folder or its yitu.toml)"),
})
