"""Layer schemas: canonical fields, types, enums, required fields and Chinese header aliases.

Every layer is stored with the canonical English field names below (WGS-84 geometry in
``geometry``). The loader accepts any alias (case- and whitespace-insensitive), so the
headers that offices use (企业名称, 统一社会信用代码, 经度, 纬度, 风险等级 ...) load as they are.

Field kinds
-----------
``str``, ``int``, ``float``, ``bool``, ``date``, ``grade`` (risk grade 1..4, any spelling
in :data:`GRADE_SPELLINGS`), ``enum`` (one of ``Field.enum``; aliases in ``Field.enum_aliases``),
``list`` (several values separated by ``,``/``，``/``、``/``;``; stored as one string joined by ``,``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Field",
    "LayerSchema",
    "SCHEMAS",
    "LAYER_NAMES",
    "GRADE_SPELLINGS",
    "GRADE_LABELS",
    "GRADE_COLOURS",
    "UNGRADED_LABEL",
    "UNGRADED_COLOUR",
    "STATION_TYPES",
    "VEHICLE_FIELDS",
    "SHELTER_CLASSES",
    "TARGET_TYPES",
    "PROTECTION_CLASS_BY_TYPE",
    "HAZCHEM_ROLES",
    "MAJOR_HAZARD_LEVELS",
    "INSTALLATION_KINDS",
    "INSTALLATION_STATUS",
    "schema",
]

# --- risk grades (DEFAULTS.md) -------------------------------------------------------------
GRADE_SPELLINGS: dict[int, tuple[str, ...]] = {
    1: ("红", "红色", "重大", "重大风险", "red", "r", "1"),
    2: ("橙", "橙色", "较大", "较大风险", "orange", "o", "2"),
    3: ("黄", "黄色", "一般", "一般风险", "yellow", "y", "3"),
    4: ("蓝", "蓝色", "低", "低风险", "blue", "b", "4"),
}
GRADE_LABELS: dict[int, str] = {1: "重大风险", 2: "较大风险", 3: "一般风险", 4: "低风险"}
GRADE_LABELS_EN: dict[int, str] = {1: "Major", 2: "Significant", 3: "Moderate", 4: "Low"}
GRADE_COLOUR_NAMES: dict[int, str] = {1: "红", 2: "橙", 3: "黄", 4: "蓝"}
# Colours used on every map and chart (hex).
GRADE_COLOURS: dict[int, str] = {1: "#E60012", 2: "#FF8C00", 3: "#FFE600", 4: "#0070C0"}
UNGRADED_LABEL = "未定级"
UNGRADED_COLOUR = "#9E9E9E"

# --- enums ---------------------------------------------------------------------------------
HAZCHEM_ROLES = ("生产", "储存", "使用", "经营")
MAJOR_HAZARD_LEVELS: dict[int, tuple[str, ...]] = {
    0: ("无", "否", "none", "no", "0", "非重大危险源", ""),
    1: ("一级", "1", "1级", "i", "一级重大危险源"),
    2: ("二级", "2", "2级", "ii", "二级重大危险源"),
    3: ("三级", "3", "3级", "iii", "三级重大危险源"),
    4: ("四级", "4", "4级", "iv", "四级重大危险源"),
}
STATION_TYPES = (
    "特勤站",
    "一级站",
    "二级站",
    "小型站",
    "政府专职队",
    "企业专职队",
    "微型消防站",
    "志愿队",
    "专业救援队",
)
# Vehicle counts by type: field name -> Chinese label.
VEHICLE_FIELDS: dict[str, str] = {
    "pumper": "水罐消防车",
    "foam_tender": "泡沫消防车",
    "aerial": "举高消防车",
    "rescue": "抢险救援车",
    "hazmat": "化学救援/洗消车",
    "other_vehicles": "其他车辆",
}
SHELTER_CLASSES = ("紧急", "固定", "中心", "临时疏散点")
TARGET_TYPES = ("学校", "幼儿园", "医院", "养老机构", "人员密集场所", "居住区", "村庄", "军事设施", "文物保护单位", "其他")
# GB 36894-2018 §3.1: 高敏感, 重要, 一般; 一般 split into 一类/二类/三类 by size (附录A) — given or derived by yitu.layers.distances_classes
PROTECTION_CLASSES = ("高敏感", "重要", "一般", "一般一类", "一般二类", "一般三类")
# GB 36894-2018: a target's protection class when none is given.
PROTECTION_CLASS_BY_TYPE: dict[str, str] = {
    "学校": "高敏感",
    "幼儿园": "高敏感",
    "医院": "高敏感",
    "养老机构": "高敏感",
    "军事设施": "重要",
    "文物保护单位": "重要",
    "人员密集场所": "一般",
    "居住区": "一般",
    "村庄": "一般",
    "其他": "一般",
}
WATER_SOURCE_TYPES = ("消火栓", "消防水池", "天然水源", "取水码头", "其他")


@dataclass(frozen=True)
class Field:
    """One field of a layer schema."""

    name: str
    kind: str  # str | int | float | bool | date | grade | enum | list
    label: str  # Chinese label used in lists, popups and legends
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: tuple[str, ...] = ()
    enum_aliases: dict[str, str] = field(default_factory=dict)
    minimum: float | None = None
    description: str = ""
    above: float | None = None  # values must be greater than this (e.g. a distance of 0 is not a distance)


@dataclass(frozen=True)
class LayerSchema:
    """A layer: its fields, allowed geometry types and Chinese name."""

    name: str
    label: str
    fields: tuple[Field, ...]
    geometry: tuple[str, ...]  # allowed: "Point", "Polygon" (Multi* accepted for polygons)
    id_field: str = "id"

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


def _f(name: str, kind: str, label: str, *aliases: str, **kw: object) -> Field:
    return Field(name, kind, label, aliases=(label, *aliases), **kw)  # type: ignore[arg-type]


_ID = _f("id", "str", "编号", "id", "序号", "编码", "代码", "ID")
_NAME = lambda label, *a: _f("name", "str", label, "name", "名称", *a, required=True)  # noqa: E731
_TOWN = _f("town", "str", "乡镇街道", "town", "乡镇", "街道", "所属乡镇", "所在乡镇", "镇街")
_UPDATED = _f("updated_at", "date", "更新日期", "updated_at", "更新时间", "填报日期", "评估日期")

ENTERPRISES = LayerSchema(
    "enterprises",
    "企业",
    (
        _ID,
        _NAME("企业名称", "单位名称", "企业", "公司名称"),
        _f("credit_code", "str", "统一社会信用代码", "credit_code", "信用代码", "社会信用代码"),
        _f("industry", "str", "行业", "industry", "所属行业", "行业类别", "行业分类"),
        _TOWN,
        _f("park_id", "str", "所属园区", "park_id", "园区", "园区编号", "化工园区"),
        _f("address", "str", "地址", "address", "详细地址", "企业地址"),
        _f(
            "hazchem_roles", "list", "危化品经营方式", "hazchem_roles", "危险化学品", "涉及危化品方式",
            "危化品类型", enum=HAZCHEM_ROLES,
        ),
        _f(
            "major_hazard_level", "int", "重大危险源等级", "major_hazard_level", "重大危险源", "危险源等级",
            minimum=0, description="0 = none, 1..4 = 一级..四级",
        ),
        _f("key_process", "bool", "重点监管危险化工工艺", "key_process", "重点工艺", "危险化工工艺"),
        _f("key_chemical", "bool", "重点监管危险化学品", "key_chemical", "重点危化品", "重点监管危化品"),
        _f("risk_grade", "grade", "风险等级", "risk_grade", "grade", "风险分级", "安全风险等级"),
        _f("lec_l", "float", "L(可能性)", "lec_l", "L值", minimum=0),
        _f("lec_e", "float", "E(暴露频率)", "lec_e", "E值", minimum=0),
        _f("lec_c", "float", "C(后果)", "lec_c", "C值", minimum=0),
        _f("employees", "int", "从业人数", "employees", "职工人数", "员工人数", "人数", minimum=0),
        _f("safety_distance_m", "float", "外部安全防护距离(米)", "safety_distance_m", "外部安全防护距离",
           "安全距离", minimum=0),
        _f("contact", "str", "联系人", "contact", "负责人", "安全负责人"),
        _f("phone", "str", "联系电话", "phone", "电话", "手机"),
        _UPDATED,
    ),
    ("Point", "Polygon"),
)

RISK_ZONES = LayerSchema(
    "risk_zones",
    "企业内部风险分区",
    (
        _ID,
        _f("enterprise_id", "str", "企业编号", "enterprise_id", "所属企业", "企业ID", required=True),
        _NAME("区域名称", "分区名称", "风险点", "风险点名称", "部位"),
        _f("hazard", "str", "风险描述", "hazard", "主要风险", "危险因素", "风险类型", "事故类型"),
        _f("risk_grade", "grade", "风险等级", "risk_grade", "grade", "风险分级"),
        _f("lec_l", "float", "L(可能性)", "lec_l", "L值", minimum=0),
        _f("lec_e", "float", "E(暴露频率)", "lec_e", "E值", minimum=0),
        _f("lec_c", "float", "C(后果)", "lec_c", "C值", minimum=0),
        _f("matrix_l", "int", "可能性(L)", "matrix_l", "可能性", minimum=1),
        _f("matrix_s", "int", "严重性(S)", "matrix_s", "严重性", "后果严重性", minimum=1),
        _f("measures", "str", "管控措施", "measures", "控制措施", "管控措施及要求"),
        _f("owner", "str", "责任人", "owner", "管控责任人", "责任部门"),
        _UPDATED,
    ),
    ("Polygon", "Point"),
)

STATIONS = LayerSchema(
    "stations",
    "救援力量",
    (
        _ID,
        _NAME("站点名称", "消防站名称", "队站名称", "救援队名称"),
        _f("station_type", "enum", "站点类型", "station_type", "类型", "队站类型", "消防站类型", required=True,
           enum=STATION_TYPES,
           enum_aliases={
               "特勤消防站": "特勤站", "一级普通消防站": "一级站", "一级消防站": "一级站",
               "二级普通消防站": "二级站", "二级消防站": "二级站", "小型普通消防站": "小型站",
               "小型消防站": "小型站", "政府专职消防队": "政府专职队", "企业专职消防队": "企业专职队",
               "微型站": "微型消防站", "志愿消防队": "志愿队", "专业队": "专业救援队",
           }),
        _TOWN,
        _f("turnout_min", "float", "出动时间(分钟)", "turnout_min", "出动时间", minimum=0,
           description="empty = the station type's default from settings"),
        _f("personnel", "int", "人员", "personnel", "人数", "执勤人数", "在岗人数", minimum=0),
        *(
            _f(k, "int", v, k, v.replace("消防车", "车"), minimum=0)
            for k, v in VEHICLE_FIELDS.items()
        ),
        _f("foam_t", "float", "泡沫液(吨)", "foam_t", "泡沫", "泡沫量", "泡沫储量", minimum=0),
        _f("water_t", "float", "载水量(吨)", "water_t", "载水量", minimum=0),
        _f("phone", "str", "值班电话", "phone", "电话"),
        _UPDATED,
    ),
    ("Point",),
)

SHELTERS = LayerSchema(
    "shelters",
    "避难场所",
    (
        _ID,
        _NAME("场所名称", "避难场所名称", "避难场所"),
        _f("shelter_class", "enum", "场所类型", "shelter_class", "类型", "类别", "避难场所类型", required=True,
           enum=SHELTER_CLASSES,
           enum_aliases={
               "紧急避难场所": "紧急", "固定避难场所": "固定", "中心避难场所": "中心",
               "临时疏散场所": "临时疏散点", "临时避难点": "临时疏散点", "疏散点": "临时疏散点",
           }),
        _TOWN,
        _f("area_m2", "float", "占地面积(㎡)", "area_m2", "占地面积", "总面积", "面积", minimum=0),
        _f("effective_area_m2", "float", "有效面积(㎡)", "effective_area_m2", "有效面积",
           "有效避难面积", minimum=0),
        _f("capacity", "int", "容纳人数", "capacity", "可容纳人数", "容量", minimum=0),
        _f("facilities", "str", "设施", "facilities", "配套设施"),
        _UPDATED,
    ),
    ("Point", "Polygon"),
)

PARKS = LayerSchema(
    "parks",
    "化工园区",
    (
        _f("id", "str", "编号", "id", "序号", "编码", "代码", "ID", "园区编号", "园区代码"),
        _NAME("园区名称", "园区"),
        _f("level", "str", "园区级别", "level", "级别", "认定级别"),
        _f("area_ha", "float", "面积(公顷)", "area_ha", "规划面积", minimum=0),
        _f("station_ids", "list", "园区消防站", "station_ids", "配套消防站", "指定消防站"),
        _f("safety_level", "str", "安全风险等级", "safety_level", "园区安全风险等级"),
        _UPDATED,
    ),
    ("Polygon",),
)

TARGETS = LayerSchema(
    "targets",
    "防护目标",
    (
        _ID,
        _NAME("目标名称", "防护目标名称", "单位名称"),
        _f("target_type", "enum", "目标类型", "target_type", "类型", "类别", "防护目标类型", required=True,
           enum=TARGET_TYPES,
           enum_aliases={
               "小学": "学校", "中学": "学校", "高校": "学校", "大学": "学校", "卫生院": "医院",
               "诊所": "医院", "敬老院": "养老机构", "养老院": "养老机构", "福利院": "养老机构",
               "商场": "人员密集场所", "车站": "人员密集场所", "小区": "居住区", "住宅区": "居住区",
               "自然村": "村庄", "行政村": "村庄",
           }),
        _f("population", "int", "人数", "population", "人口", "人员数量", "常住人口", minimum=0),
        _f("protection_class", "enum", "防护类别", "protection_class", "防护目标类别",
           enum=PROTECTION_CLASSES, description="empty = from the target type (GB 36894-2018)",
           enum_aliases={"高敏感防护目标": "高敏感", "重要防护目标": "重要", "一般防护目标": "一般",
                         "一类防护目标": "一般一类", "二类防护目标": "一般二类", "三类防护目标": "一般三类",
                         "一般防护目标一类": "一般一类", "一般防护目标二类": "一般二类", "一般防护目标三类": "一般三类"}),
        _TOWN,
        _UPDATED,
        _f("households", "int", "居住户数", "households", "户数", "住户数", minimum=0),
        _f("floor_area_m2", "float", "建筑面积(㎡)", "floor_area_m2", "建筑面积", "总建筑面积", minimum=0),
    ),
    ("Point", "Polygon"),
)

WATER_SOURCES = LayerSchema(
    "water_sources",
    "消防水源",
    (
        _ID,
        _NAME("水源名称", "水源"),
        _f("source_type", "enum", "水源类型", "source_type", "类型", enum=WATER_SOURCE_TYPES,
           enum_aliases={"市政消火栓": "消火栓", "室外消火栓": "消火栓", "水池": "消防水池",
                         "河流": "天然水源", "湖泊": "天然水源", "码头": "取水码头"}),
        _f("capacity_m3", "float", "容量(m³)", "capacity_m3", "容量", "储水量", minimum=0),
        _f("flow_lps", "float", "流量(L/s)", "flow_lps", "流量", minimum=0),
        _TOWN,
        _UPDATED,
    ),
    ("Point",),
)

DEPOTS = LayerSchema(
    "depots",
    "应急物资库",
    (
        _ID,
        _NAME("物资库名称", "仓库名称", "物资库"),
        _f("foam_t", "float", "泡沫液(吨)", "foam_t", "泡沫", "泡沫储量", minimum=0),
        _f("items", "str", "主要物资", "items", "物资", "物资清单"),
        _f("owner", "str", "管理单位", "owner", "责任单位"),
        _TOWN,
        _f("phone", "str", "联系电话", "phone", "电话"),
        _UPDATED,
    ),
    ("Point", "Polygon"),
)

HAZARDS = LayerSchema(
    "hazards",
    "隐患",
    (
        _ID,
        _f("enterprise_id", "str", "企业编号", "enterprise_id", "所属企业", required=True),
        _f("description", "str", "隐患描述", "description", "隐患内容", "隐患", required=True),
        _f("level", "enum", "隐患级别", "level", "级别", enum=("一般隐患", "重大隐患"),
           enum_aliases={"一般": "一般隐患", "重大": "重大隐患"}),
        _f("found_at", "date", "发现日期", "found_at", "排查日期"),
        _f("deadline", "date", "整改期限", "deadline", "整改时限"),
        _f("status", "enum", "整改状态", "status", "状态", enum=("未整改", "整改中", "已整改"),
           enum_aliases={"已完成": "已整改", "完成": "已整改", "未完成": "未整改"}),
        _f("responsible", "str", "整改责任人", "responsible", "责任人"),
    ),
    (),  # a table: located through enterprise_id, no geometry of its own
)

CANDIDATES = LayerSchema(
    "candidates",
    "候选点",
    (
        _f("id", "str", "地块编号", "id", "编号", "候选点编号", "地块号", "序号", "ID"),
        _f("name", "str", "候选点名称", "name", "名称", "地块名称", "候选点"),
        _f("cost", "float", "建设成本", "cost", "成本", "建设成本(万元)", "造价", minimum=0),
        _f("station_type", "enum", "站点类型", "station_type", "类型", "拟建站点类型", enum=STATION_TYPES,
           enum_aliases=STATIONS.field("station_type").enum_aliases),
        _TOWN,
        _f("note", "str", "备注", "note", "说明"),
    ),
    ("Point", "Polygon"),
)

SCHEMAS: dict[str, LayerSchema] = {
    s.name: s
    for s in (ENTERPRISES, RISK_ZONES, STATIONS, SHELTERS, PARKS, TARGETS, WATER_SOURCES, DEPOTS, HAZARDS, CANDIDATES)
}

# --- external safety distances (GB/T 37243-2019, GB 36894-2018) ----------------------------------
INSTALLATION_KINDS = ("装置", "储罐区", "仓库", "装卸设施", "火炬", "其他")
INSTALLATION_STATUS = ("新建", "在役")
_STATUS_ALIASES = {"新": "新建", "改建": "新建", "扩建": "新建", "新改扩建": "新建", "新、改、扩建": "新建", "拟建": "新建",
                   "new": "新建", "现有": "在役", "已建": "在役", "在用": "在役", "既有": "在役", "existing": "在役"}

INSTALLATIONS = LayerSchema(
    "installations",
    "危险化学品装置设施",
    (
        _ID,
        _f("enterprise_id", "str", "企业编号", "enterprise_id", "所属企业", "企业ID", "企业代码", required=True),
        _NAME("装置名称", "设施名称", "装置设施名称", "储罐区名称", "仓库名称", "单元名称"),
        _f("kind", "enum", "装置类型", "kind", "类型", "设施类型", "类别", enum=INSTALLATION_KINDS,
           enum_aliases={"生产装置": "装置", "工艺装置": "装置", "罐区": "储罐区", "储罐": "储罐区", "罐组": "储罐区",
                         "库房": "仓库", "危险品仓库": "仓库", "危化品仓库": "仓库", "装卸区": "装卸设施", "栈台": "装卸设施",
                         "装卸站台": "装卸设施", "高架火炬": "火炬"}),
        _f("substance", "str", "危险化学品", "substance", "主要危险化学品", "物质", "危险物质", "介质", "主要物料"),
        _f("quantity_t", "float", "数量(吨)", "quantity_t", "数量", "储量", "设计储量", "最大储量", "在线量", minimum=0),
        _f("major_hazard_level", "int", "重大危险源等级", "major_hazard_level", "重大危险源", "危险源等级", minimum=0,
           description="0 = none, 1..4 = 一级..四级"),
        _f("status", "enum", "建设状态", "status", "新建/在役", "新建或在役", "装置状态", enum=INSTALLATION_STATUS,
           enum_aliases=_STATUS_ALIASES),
        _f("distance_m", "float", "外部安全防护距离(米)", "distance_m", "外部安全防护距离", "安全防护距离",
           "评估距离", "外部安全距离", above=0.0, description="from the safety assessment (安全评价); empty = none assessed"),
        _f("assessed_by", "str", "评价报告", "assessed_by", "评价单位", "安全评价报告", "依据"),
        _UPDATED,
    ),
    ("Point", "Polygon"),
)

RISK_CONTOURS = LayerSchema(
    "risk_contours",
    "个人风险等值线",
    (
        _ID,
        _f("level", "float", "个人风险(/年)", "level", "个人风险", "风险值", "风险水平", "等值线值", "IR", "risk",
           required=True, above=0.0, description="individual risk per year the contour encloses (e.g. 3e-7)"),
        _f("installation_id", "str", "装置编号", "installation_id", "装置", "所属装置"),
        _f("enterprise_id", "str", "企业编号", "enterprise_id", "所属企业", "企业ID"),
        _f("status", "enum", "建设状态", "status", "新建/在役", "新建或在役", enum=INSTALLATION_STATUS,
           enum_aliases=_STATUS_ALIASES, description="empty = the installation's status"),
        _f("source", "str", "来源", "source", "软件", "评价报告", "文件"),
    ),
    ("Polygon",),
)

SCHEMAS.update({s.name: s for s in (INSTALLATIONS, RISK_CONTOURS)})

# Residential areas for evacuation (yitu shelters): blocks, 小区 and villages with their population. An empty or
# non-numeric population is loaded as missing (counted as unknown by the assignment, never as 0 people).
RESIDENTIAL_AREAS = LayerSchema(
    "residential_areas",
    "居民区",
    (
        _ID,
        _NAME("居民区名称", "居民区", "小区", "小区名称", "村庄", "村庄名称", "自然村", "居民点"),
        _TOWN,
        _f("village", "str", "所属村(社区)", "village", "行政村", "村", "社区", "村委会", "所属村", "所属社区", "村(社区)"),
        _f("population", "int", "人口", "population", "常住人口", "人数", "居住人口", "户籍人口", minimum=0),
        _f("households", "int", "户数", "households", "住户数", "总户数", minimum=0),
        _UPDATED,
    ),
    ("Point", "Polygon"),
)

SCHEMAS[RESIDENTIAL_AREAS.name] = RESIDENTIAL_AREAS
LAYER_NAMES: tuple[str, ...] = tuple(SCHEMAS)

# Coordinate column aliases (lon, lat), in the order they are tried.
LON_ALIASES = ("经度", "lon", "lng", "long", "longitude", "x", "东经", "经度(°)", "经度（°）", "x坐标", "横坐标")
LAT_ALIASES = ("纬度", "lat", "latitude", "y", "北纬", "纬度(°)", "纬度（°）", "y坐标", "纵坐标")


def schema(layer: str) -> LayerSchema:
    """Return the schema of ``layer``; raise naming the known layers."""
    from yitu.errors import InputError
    from yitu.words import tr

    try:
        return SCHEMAS[layer]
    except KeyError:
        raise InputError(tr("load.error.unknown_layer", layer=layer, layers=", ".join(LAYER_NAMES))) from None
