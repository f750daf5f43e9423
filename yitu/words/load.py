"""Words of importing a layer: the reasons a row is rejected, the warnings about what was changed on
the way in, and the headers of ``rejected/<layer>.csv``. Values typed by offices are passed in as values."""

from __future__ import annotations

from yitu.words import register

register({
    # -- headers of rejected/<layer>.csv --------------------------------------------------------
    "load.col.file": ("文件", "file"),
    "load.col.row": ("行", "row"),
    "load.col.field": ("字段", "field"),
    "load.col.value": ("值", "value"),
    "load.col.reason": ("原因", "reason"),
    "load.field.geometry": ("几何", "geometry"),
    "load.field.extra_cells": ("（多余单元格）", "(extra cells)"),
    # -- reasons a row is rejected ---------------------------------------------------------------
    "load.reason.extra_cells": (
        "有 {n} 个单元格超出表头最后一列：某个值含未加引号的 {delim}，本行的值已错位；请给该值加引号或修正本行",
        "{n} cell(s) beyond the header's last column: a value holds an unquoted {delim}, so the row's values are "
        "shifted; quote that value or fix the row"),
    "load.reason.required_empty": ("必填字段 {label} 为空", "required field {label} is empty"),
    "load.reason.missing_geometry": ("缺少几何图形", "missing geometry"),
    "load.reason.missing_coordinate": ("缺少坐标", "missing coordinate"),
    "load.reason.coordinate_nan": ("坐标不是数字", "coordinate is not a number"),
    "load.reason.geometry_nan": ("几何图形的坐标含 NaN（不是数字）", "the geometry has NaN coordinates (not a number)"),
    "load.reason.outside_china": ("点位在中国境外——请检查坐标系（--crs）和经纬度顺序",
                                  "point outside China — check the coordinate system (--crs) and lon/lat order"),
    "load.reason.outside_area": ("在项目范围 {bbox} 之外", "outside the project area {bbox}"),
    "load.reason.geometry_type": ("几何类型不适用于图层 {layer}；允许：{allowed}",
                                  "geometry type not allowed for {layer}; allowed: {allowed}"),
    "load.reason.duplicate_id": ("编号重复（首次出现在第 {row} 行）", "duplicate id (first at row {row})"),
    "load.reason.duplicate_credit_code": (
        "统一社会信用代码重复（首次出现在第 {row} 行，编号 {first}）：同一法人只导入一次；若是不同企业请更正代码",
        "duplicate 统一社会信用代码 (first at row {row}, id {first}): one legal entity is imported once; "
        "correct the code if these are different enterprises"),
    "load.reason.credit_code_stored": ("统一社会信用代码已在图层中（编号 {first}）：同一法人只导入一次",
                                       "统一社会信用代码 already in the layer (id {first}): one legal entity is "
                                       "imported once"),
    "load.reason.not_number": ("不是数字", "not a number"),
    "load.reason.not_one_number": ("不是一个数字（范围？请只填一个数）", "not one number (a range? give one number)"),
    "load.reason.below_minimum": ("小于最小值 {minimum}", "below the minimum {minimum}"),
    "load.reason.not_above": ("必须大于 {above}；没有数值时请留空", "must be greater than {above}; leave the cell empty when there is no value"),
    "load.reason.not_whole": ("不是整数", "not a whole number"),
    "load.reason.not_bool": ("不是 是/否", "not yes/no (是/否)"),
    "load.reason.not_date": ("不是日期（如 2024-03-01、2024/3/1、2024年3月1日）",
                             "not a date (e.g. 2024-03-01, 2024/3/1, 2024年3月1日)"),
    "load.reason.unknown_grade": ("未知的风险等级；可用：{accepted}，或 1–4", "unknown risk grade; accepted: {accepted}, or 1–4"),
    "load.reason.unknown_value": ("未知的值；可用：{accepted}", "unknown value; accepted: {accepted}"),
    "load.reason.unknown_values": ("未知的值 {bad}；可用：{accepted}", "unknown value(s) {bad}; accepted: {accepted}"),
    "load.reason.unknown_major_hazard": ("未知的重大危险源等级；可用：一级、二级、三级、四级、无（或 1–4、0）",
                                         "unknown 重大危险源 level; accepted: 一级、二级、三级、四级、无 (or 1–4, 0)"),
    # -- warnings: kept, but changed or incomplete ----------------------------------------------
    "load.warn.swapped": ("{src}：第 {rows} 行：经度/纬度填反，已更正", "{src}: row(s) {rows}: 经度/纬度 swapped; fixed"),
    "load.warn.xy_swapped": ("{src}：第 {rows} 行：X/Y 填反（测量坐标 X = 北，Y = 东），已更正",
                             "{src}: row(s) {rows}: X/Y swapped (测量坐标 X = 北, Y = 东); fixed"),
    "load.warn.multipoint": ("{src}：{n} 个单点的 MultiPoint 按 Point 读取", "{src}: {n} MultiPoint(s) of one point read as Point"),
    "load.warn.polygon_repaired": ("{src}：第 {row} 行：无效多边形（{reason}）已用 make_valid 修复",
                                   "{src}: row {row}: invalid polygon ({reason}) repaired with make_valid"),
    "load.warn.ids_generated": ("{src}：{n} 行没有编号，已生成（{first} …）",
                                "{src}: {n} row(s) without 编号; ids generated ({first} …)"),
    "load.warn.no_turnout": ("{src}：{n} 个站点没有出动时间，按设置中该类型的默认值",
                             "{src}: {n} station(s) without 出动时间; the type default from settings applies"),
    "load.warn.dbf_cut": ("{src}：列 {col}（Shapefile 字段名被截断为 10 字节）按 {label} 读取",
                          "{src}: column {col} (a Shapefile name cut at 10 bytes) read as {label}"),
    "load.warn.cleaned": ("{src}：第 {row} 行 {field}：已删除 {what}", "{src}: row {row} {field}: removed {what}"),
    "load.warn.cleaned_header": ("{src}：表头 {field}：已删除 {what}", "{src}: header {field}: removed {what}"),
    "load.warn.cleaned_more": ("{src}：另有 {n} 个单元格删除了控制字符（完整清单见 LoadResult.cleaned 与日志）",
                               "{src}: {n} more cell(s) had control characters removed (all listed in "
                               "LoadResult.cleaned and the log)"),
    "load.warn.multiplier": ("{src}：第 {row} 行 {field}：{value} 读作 {number}", "{src}: row {row} {field}: {value} read as {number}"),
    "load.warn.excel_serial": ("{src}：第 {row} 行 {field}：{value} 按 Excel 日期序号读作 {date}",
                               "{src}: row {row} {field}: {value} read as an Excel date serial, {date}"),
    "load.warn.missing_column": ("{src}：列 {label} 缺失：{effect}；该值按数据缺失保存，不按 0",
                                 "{src}: column {label} missing: {effect}; stored as missing, not as 0"),
    "load.effect.drill": ("演练中 {label} 需求将为 {status}", "the drill's {label} requirement will be {status}"),
    "load.warn.merged": ("{src}：合并单元格 {ranges} 的值已向下填充到合并范围内的每一行",
                         "{src}: merged cells {ranges}: the value was filled into every row of the range"),
    "load.warn.sheet_read": ("{src}：读取了工作表 {sheet}；工作簿还有 {others}：用 --sheet 名称 指定",
                             "{src}: read the sheet {sheet}; the workbook also has {others}: name one with --sheet NAME"),
    "load.warn.hidden_skipped": ("{src}：跳过了隐藏的工作表 {hidden}，读取可见的工作表 {sheet}",
                                 "{src}: skipped the hidden sheet(s) {hidden} and read the visible sheet {sheet}"),
    "load.warn.real_format": ("{src}：文件名是 {suffix}，内容却是 {kind}，已按 {kind} 读取；建议改正文件名",
                              "{src}: named {suffix} but holds {kind}; read as {kind} (rename the file)"),
    "load.sheet_hint": ("（读取的是第一个工作表 {sheet}；工作簿还有 {others}：用 --sheet 名称 指定）",
                        " (read the first sheet {sheet}; the workbook also has {others}: name one with --sheet NAME)"),
    "load.hint.no_dbf": ("；缺少属性表 {dbf}：Shapefile 的属性（名称、类型等）存放在 .dbf 文件中，请把它与 .shp 放在同一文件夹",
                         "; the attribute table {dbf} is missing: a Shapefile keeps its attributes (names, types ...) "
                         "in the .dbf file; put it beside the .shp"),
    # -- errors ---------------------------------------------------------------------------------
    "load.error.no_rows": ("{src}：图层 {layer} 没有数据行", "{src}: no data rows for layer {layer}"),
    "load.error.no_coords": ("{src}：图层 {layer} 没有坐标列；现有列：{columns}；请命名为 经度/纬度（或 lon/lat、lng、x/y）{hint}",
                             "{src}: no coordinate columns for layer {layer}; found columns {columns}; "
                             "name them 经度/纬度 (or lon/lat, lng, x/y){hint}"),
    "load.error.no_required": ("{src}：没有必填字段 {label}（{name}）的列；可用表头：{accepted}{hint}",
                               "{src}: no column for the required field {label} ({name}); accepted headers: "
                               "{accepted}{hint}"),
    "load.error.all_rejected": (
        "{src}：{n} 行全部被拒绝，图层 {layer} 未改动；原因见 {path}",
        "{src}: all {n} row(s) were rejected, the layer {layer} was not changed; the reasons are in {path}"),
    "load.error.ids_clash": ("{src}：项目的 {layer} 中已有这些编号：{ids}；不加 --append 导入以替换图层",
                             "{src}: ids already in the project's {layer}: {ids}; import without --append to "
                             "replace the layer"),
    # -- reading files (yitu.gis.io) -------------------------------------------------------------
    "io.not_found": ("{path}：文件不存在", "{path}: file not found"),
    "io.is_folder": ("{path}：是文件夹，不是文件", "{path}: is a folder, not a file"),
    "io.bad_encoding": ("{path}：无法按 {encoding} 读取（{exc}）；试试 --encoding utf-8 或 gbk",
                        "{path}: cannot be read as {encoding} ({exc}); try --encoding utf-8 or gbk"),
    "io.not_text": ("{path}：不是有效的 UTF-8 或 GBK/GB18030 文本；请另存为 UTF-8 CSV，或用 --encoding 指定编码",
                    "{path}: not valid UTF-8 or GBK/GB18030 text; save it as UTF-8 CSV, or name the encoding with "
                    "--encoding"),
    "io.empty": ("{path}：文件是空的", "{path}: the file is empty"),
    "io.bad_xlsx": ("{path}：无法读取的 .xlsx 工作簿（{exc}）；请在 Excel/WPS 中打开后重新另存为 .xlsx，或导出为 CSV",
                    "{path}: not a readable .xlsx workbook ({exc}); open it in Excel/WPS and save it again as .xlsx, "
                    "or export it as CSV"),
    "io.no_sheet": ("{path}：没有名为 {sheet} 的工作表；现有：{sheets}（用 --sheet 名称）",
                    "{path}: no sheet named {sheet}; sheets: {sheets} (use --sheet NAME)"),
    "io.hidden": ("（隐藏）", " (hidden)"),
    "io.sheet_empty_others": ("{path}：工作表 {sheet} 是空的；工作簿还有 {others}：用 --sheet 名称 指定要读取的工作表",
                              "{path}: sheet {sheet} is empty; the workbook also has {others}: name the one to read "
                              "with --sheet NAME"),
    "io.sheet_empty": ("{path}：工作表 {sheet} 是空的（工作簿没有其他工作表）",
                       "{path}: sheet {sheet} is empty (the workbook has no other sheet)"),
    "io.old_xls": ("{path}：不读取旧版 Excel/WPS .xls 工作簿；请在 Excel/WPS 中打开并另存为 .xlsx",
                   "{path}: an old Excel/WPS .xls workbook is not read; open it in Excel/WPS and save as .xlsx"),
    "io.html": ("{path}：这是以 {name} 为名保存的网页（HTML），不是工作簿；请在 Excel/WPS 中打开并另存为 .xlsx，或把表格导出为 CSV",
                "{path}: a web page (HTML) saved with the name {name}, not a workbook; open it in Excel/WPS and "
                "save as .xlsx, or export the table as CSV"),
    "io.neither": ("{path}：既不是 .xlsx 工作簿也不是文本表格（CSV）；请在 Excel/WPS 中打开并另存为 .xlsx 或 CSV",
                   "{path}: neither an .xlsx workbook nor a text table (CSV); open it in Excel/WPS and save it as "
                   ".xlsx or CSV"),
    "io.bad_vector": ("{path}：无法作为矢量文件读取（{exc}）", "{path}: cannot be read as a vector file ({exc})"),
    "io.bad_text": ("{path}：文字无法按 {encoding} 解码；用 --encoding gbk 或 utf-8 指定编码",
                    "{path}: text does not decode as {encoding}; name the encoding with --encoding gbk or utf-8"),
    "io.gpkg_empty": ("{path}：GeoPackage 中没有图层", "{path}: the GeoPackage has no layers"),
    "io.gpkg_several": ("{path}：含有多个图层（{layers}）；用 --layer 指定一个",
                        "{path}: holds several layers ({layers}); name one with --layer"),
    "io.gpkg_no_layer": ("{path}：没有图层 {layer}；现有图层：{layers}", "{path}: no layer {layer}; layers: {layers}"),
    "io.no_geometry": ("{path}：{layer} 是没有几何图形的属性表", "{path}: {layer} is a table without geometry"),
    "io.no_crs": ("{path}：文件没有声明坐标系（缺少 .prj）；用 --crs wgs84 | cgcs2000 | gcj02 | bd09 | EPSG:xxxx 指定",
                  "{path}: the file declares no coordinate system (no .prj); say which with --crs wgs84 | cgcs2000 | "
                  "gcj02 | bd09 | EPSG:xxxx"),
    "io.unsupported": ("{path}：不支持的格式 {suffix}；可用：{known}", "{path}: unsupported format {suffix}; use one of {known}"),
    # -- the things removed from text -----------------------------------------------------------
    "load.removed.control": ("控制字符 {codes}", "control character(s) {codes}"),
    "load.removed.escape": ("终端转义序列 {n} 处", "{n} terminal escape sequence(s)"),
    "load.removed.invisible": ("不可见字符 {codes}", "invisible character(s) {codes}"),
    "load.removed.joiner": ("、", ", "),
})

# log lines of an import (yitu/layers/load.py): shown on stderr by the CLI
register({
    "load.log.loaded": ("{src}：{layer} 导入 {loaded} 行（共 {rows} 行），拒绝 {rejected} 行",
                        "{src}: {layer} loaded {loaded} of {rows} rows, {rejected} rejected"),
    "load.log.ignored_columns": ("{src}：以下列不在 {layer} 图层的字段中，未导入：{columns}",
                                 "{src}: columns not in the {layer} schema, not loaded: {columns}"),
    "load.log.cleaned": ("{src}：第 {row} 行 {field}：已去除{what}", "{src}: row {row} {field}: removed {what}"),
    "load.log.more_notes": ("{src}：{field}：另有 {n} 个值按倍数单位或 Excel 日期读取",
                            "{src}: {field}: {n} more values read with a multiplier or as Excel dates"),
    "layers.log.grades_as_stated": ("{layer}：风险等级按数据中填报的显示，未重新判定（{error}）",
                                    "{layer}: grades shown as stated in the data, not derived ({error})"),
})

register({
    "load.error.gdf_no_crs": ("<GeoDataFrame>：没有坐标系；请设置（gdf.set_crs）或传入 crs=",
                              "<GeoDataFrame>: no CRS on the GeoDataFrame; set one (gdf.set_crs) or pass crs="),
    "load.error.unknown_layer": ("未知图层 {layer!r}；图层有：{layers}", "unknown layer {layer!r}; layers: {layers}"),
})

# the errors of reading contours, grading and coordinate systems (yitu/layers/contours.py, grading.py, stats.py,
# yitu/gis/crs.py, writers.py)
register({
    "contours.err.unreadable": ("{path}：无法读取等值线（{exc}）；请给出 Shapefile、GeoJSON、GeoPackage 或 DXF",
                                "{path}: cannot read contours ({exc}); give a Shapefile, GeoJSON, GeoPackage or DXF"),
    "contours.err.no_crs": ("{path}：文件没有声明坐标系（DXF 从不声明）；请用 --crs 给出 QRA 图纸的坐标系，例如 --crs EPSG:4528（CGCS2000 3° 第 40 带）",
                            "{path}: the file declares no coordinate system (a DXF never does); pass --crs with the CRS of the "
                            "QRA drawing, e.g. --crs EPSG:4528 (CGCS2000 3° zone 40)"),
    "contours.err.no_attribute": ("{path}：没有属性 {field!r}；现有属性：{fields}", "{path}: no attribute {field!r}; attributes: {fields}"),
    "contours.err.none_closed": ("{path}：没有带可读取风险值的闭合等值线（共 {n} 个要素）；{reason}",
                                 "{path}: no closed contour with a readable level (of {n} features); {reason}"),
    "contours.err.no_lines": ("文件中没有线或多边形", "the file holds no lines or polygons"),
    "contours.err.none_loaded": ("{path}：{n} 条等值线都无法导入（{reasons}）；请检查 --crs（QRA 图纸的坐标系）和文件；清单见 {rejected}",
                                 "{path}: none of the {n} contour(s) could be loaded ({reasons}); check --crs (the CRS of the QRA "
                                 "drawing) and the file; the list is in {rejected}"),
    "grading.err.lec_negative": ("LEC 分值 D = L×E×C 不能为负；第 {row!r} 行为 {d}",
                                 "LEC score D = L×E×C must not be negative; got {d} at row {row!r}"),
    "grading.err.matrix_range": ("风险矩阵值 R = L×S 应在 1..25（L、S 各为 1..5）；第 {row!r} 行为 {r}",
                                 "risk-matrix value R = L×S must be within 1..25 (L and S each 1..5); got {r} at row {row!r}"),
    "grading.err.lec_layer": ("{layer}：{exc}（请检查 L值/E值/C值）", "{layer}: {exc} (check L值/E值/C值)"),
    "grading.err.matrix_row": ("{layer} {id}：可能性(L) × 严重性(S) = {r}，超出 1..25；5×5 风险矩阵中 L、S 各为 1..5，请修正该行后重新导入",
                               "{layer} {id}: 可能性(L) × 严重性(S) = {r} is outside 1..25; L and S are each 1..5 in the 5×5 risk "
                               "matrix — fix the row and import again"),
    "grading.err.rate": ("隐患率应在 0..1；第 {row!r} 行为 {rate}", "hazard rate (隐患率) must be within 0..1; got {rate} at row {row!r}"),
    "grading.err.no_grade": ("企业表没有 grade 列；请先定级：yitu.layers.grading.grade_enterprises(enterprises, risk_zones, settings=...)",
                             "the enterprises table has no 'grade' column; grade it first with "
                             "yitu.layers.grading.grade_enterprises(enterprises, risk_zones, settings=...)"),
    "crs.err.unknown": ("未知坐标系 {spec!r}；请用 {accepted}，或 EPSG 代码，如 EPSG:4547（CGCS2000 高斯-克吕格分带为 EPSG:4491–4554）",
                        "unknown coordinate system {spec!r}; use one of: {accepted}, or an EPSG code such as EPSG:4547 "
                        "(CGCS2000 Gauss-Krüger zones are EPSG:4491–4554)"),
    "crs.err.no_extent": ("无法选择米制坐标系：数据没有范围（没有几何图形）", "cannot choose a metric CRS: the data has no extent (no geometries)"),
    "crs.err.not_projected": ("米制坐标系 {method!r} 不是投影坐标系；请用 utm、cgcs2000-gk3 或 EPSG 代码",
                              "metric CRS {method!r} is not a projected CRS; use utm, cgcs2000-gk3 or an EPSG code"),
    "crs.err.gk3": ("经度 {lon} 超出 CGCS2000 3° 高斯-克吕格分带范围（东经 75°–135°）",
                    "longitude {lon} is outside the CGCS2000 3° Gauss-Krüger zones (75°E–135°E)"),
    "crs.err.gk6": ("经度 {lon} 超出 CGCS2000 6° 高斯-克吕格分带范围（东经 72°–138°）",
                    "longitude {lon} is outside the CGCS2000 6° Gauss-Krüger zones (72°E–138°E)"),
    "io.err.nested_column": ("列 {column!r} 含有列表或字典，GeoPackage 无法存储", "column {column!r} holds lists or dicts, which a GeoPackage cannot store"),
})
