"""Controlled vocabularies of the registry, each value with its Chinese label.

The codes are stable identifiers (stored in the database, the search index and the API);
the labels are what officers and surveyors read. Sources are the laws and standards named in
the project's domain guide (条例 2008/2017, 文物保护法 2017/2024, GB/T 22527-2008, JGJ 125-2016 …).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

# Vocabularies defined with the domain logic that uses them, re-exported here with the rest.
from heritage.domain.crs import CoordinateSystem as CoordinateSystem
from heritage.domain.periods import Period as Period


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label: ``NATIONAL = "NATIONAL", "国保"``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        # The default only satisfies type checkers for ``Enum(value)`` look-ups; members are
        # always declared with both parts.
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label(cls, label: str) -> Self:
        """Return the member whose Chinese label is ``label``."""
        for member in cls:
            if member.label == label:
                return member
        raise ValueError(f"{label!r} is not a {cls.__name__} label")


# --- heritage objects -----------------------------------------------------------------------


class ObjectKind(LabelledEnum):
    """What a registry record is: a place (city … block) or a site (site … structure)."""

    CITY = "CITY", "城市"
    TOWN = "TOWN", "镇"
    VILLAGE = "VILLAGE", "村"
    BLOCK = "BLOCK", "街区"
    SITE = "SITE", "遗址/文物点"
    BUILDING_GROUP = "BUILDING_GROUP", "建筑群"
    BUILDING = "BUILDING", "建筑"
    STRUCTURE = "STRUCTURE", "构筑物"

    @property
    def is_place(self) -> bool:
        """Cities, towns, villages and blocks are places; the rest are sites."""
        return self in PLACE_KINDS


PLACE_KINDS = frozenset({ObjectKind.CITY, ObjectKind.TOWN, ObjectKind.VILLAGE, ObjectKind.BLOCK})
SITE_KINDS = frozenset(set(ObjectKind) - PLACE_KINDS)


class ObjectStatus(LabelledEnum):
    """Physical status. Demolished and relocated objects stay in the registry for ever."""

    EXTANT = "EXTANT", "现存"
    DAMAGED = "DAMAGED", "受损"
    RUIN = "RUIN", "残损/遗址"
    DEMOLISHED = "DEMOLISHED", "已拆除"
    RELOCATED = "RELOCATED", "已迁移"


class RelicCategory(LabelledEnum):
    """The six categories of immovable relics (from the 4th 国保 batch and the censuses)."""

    ANCIENT_SITE = "ANCIENT_SITE", "古遗址"
    ANCIENT_TOMB = "ANCIENT_TOMB", "古墓葬"
    ANCIENT_BUILDING = "ANCIENT_BUILDING", "古建筑"
    CAVE_TEMPLE_STONE_CARVING = "CAVE_TEMPLE_STONE_CARVING", "石窟寺及石刻"
    MODERN_HISTORIC = "MODERN_HISTORIC", "近现代重要史迹及代表性建筑"
    OTHER = "OTHER", "其他"

    @property
    def digit(self) -> int:
        """The category digit used in the 国保 official number (1–6)."""
        return list(RelicCategory).index(self) + 1

    @classmethod
    def from_digit(cls, digit: int) -> RelicCategory:
        """The category of a 国保 number's third part."""
        if not 1 <= digit <= 6:
            raise ValueError(f"category digit must be 1–6, got {digit}")
        return list(cls)[digit - 1]


class StructureType(LabelledEnum):
    """Main load-bearing structure."""

    TIMBER = "TIMBER", "木结构"
    BRICK_TIMBER = "BRICK_TIMBER", "砖木结构"
    BRICK_CONCRETE = "BRICK_CONCRETE", "砖混结构"
    RC_FRAME = "RC_FRAME", "钢筋混凝土结构"
    STEEL = "STEEL", "钢结构"
    STONE = "STONE", "石结构"
    EARTH = "EARTH", "土木/生土结构"
    CAVE_DWELLING = "CAVE_DWELLING", "窑洞"
    BAMBOO = "BAMBOO", "竹(木)结构"
    MIXED_OTHER = "MIXED_OTHER", "其他/混合"


class OwnershipType(LabelledEnum):
    """Ownership (文物保护法 2024 Art. 5–7)."""

    STATE = "STATE", "国有"
    COLLECTIVE = "COLLECTIVE", "集体"
    PRIVATE = "PRIVATE", "私有"
    MIXED = "MIXED", "混合"
    RELIGIOUS = "RELIGIOUS", "宗教团体"
    UNKNOWN = "UNKNOWN", "不详"


class UseStatus(LabelledEnum):
    """Current use, the basis of the vacancy indicator (历史建筑空置率)."""

    IN_USE_ORIGINAL = "IN_USE_ORIGINAL", "原功能使用"
    IN_USE_ADAPTED = "IN_USE_ADAPTED", "活化利用/功能置换"
    PARTIALLY_VACANT = "PARTIALLY_VACANT", "部分空置"
    VACANT = "VACANT", "空置"
    UNDER_REPAIR = "UNDER_REPAIR", "修缮中"
    RUIN = "RUIN", "残损/遗址"
    DEMOLISHED = "DEMOLISHED", "已拆除"
    RELOCATED = "RELOCATED", "已迁移"


class ConditionGrade(LabelledEnum):
    """The registry's common five-step condition scale (UI5), mapped from every system."""

    INTACT = "INTACT", "完好"
    GOOD = "GOOD", "较好"
    FAIR = "FAIR", "一般"
    POOR = "POOR", "较差"
    DANGEROUS = "DANGEROUS", "危险"


class ConditionSystem(LabelledEnum):
    """The grading system a surveyor used; grades are only comparable within one system."""

    UI5 = "UI5", "登记系统五级"
    CENSUS5 = "CENSUS5", "文物普查保存现状"
    HOUSE_INTEGRITY = "HOUSE_INTEGRITY", "房屋完损等级"
    DANGER_JGJ125 = "DANGER_JGJ125", "危险房屋鉴定(JGJ 125-2016)"
    TIMBER_GBT50165 = "TIMBER_GBT50165", "古建筑木结构(GB/T 50165-2020)"


# Grades of each system, in order from best to worst, and their UI5 equivalent.
CONDITION_GRADES: dict[ConditionSystem, dict[str, ConditionGrade]] = {
    ConditionSystem.UI5: {grade.value: grade for grade in ConditionGrade},
    ConditionSystem.CENSUS5: {
        "GOOD": ConditionGrade.INTACT,
        "FAIRLY_GOOD": ConditionGrade.GOOD,
        "FAIR": ConditionGrade.FAIR,
        "POOR": ConditionGrade.POOR,
        "BAD": ConditionGrade.DANGEROUS,
    },
    ConditionSystem.HOUSE_INTEGRITY: {
        "A": ConditionGrade.INTACT,
        "B": ConditionGrade.GOOD,
        "C": ConditionGrade.FAIR,
        "D": ConditionGrade.POOR,
        "E": ConditionGrade.DANGEROUS,
    },
    ConditionSystem.DANGER_JGJ125: {
        "A": ConditionGrade.GOOD,
        "B": ConditionGrade.FAIR,
        "C": ConditionGrade.DANGEROUS,
        "D": ConditionGrade.DANGEROUS,
    },
    ConditionSystem.TIMBER_GBT50165: {
        "I": ConditionGrade.GOOD,
        "II": ConditionGrade.FAIR,
        "III": ConditionGrade.POOR,
        "IV": ConditionGrade.DANGEROUS,
    },
}


class Threat(LabelledEnum):
    """Threats a surveyor observes on site."""

    WEATHERING = "WEATHERING", "风化"
    WATER = "WATER", "渗漏/水害"
    BIOLOGICAL = "BIOLOGICAL", "白蚁/虫害/植物侵害"
    STRUCTURAL = "STRUCTURAL", "结构损伤"
    FIRE_RISK = "FIRE_RISK", "火灾隐患"
    DEVELOPMENT = "DEVELOPMENT", "建设压力"
    TOURISM = "TOURISM", "旅游压力"
    VACANCY = "VACANCY", "空置失管"
    THEFT = "THEFT", "盗窃/构件盗卖"
    NATURAL_DISASTER = "NATURAL_DISASTER", "自然灾害"
    OTHER = "OTHER", "其他"


# --- location -------------------------------------------------------------------------------


class LocationMethod(LabelledEnum):
    """How a point was obtained."""

    GNSS = "GNSS", "卫星定位"
    SURVEY = "SURVEY", "测量"
    GEOCODE_AMAP = "GEOCODE_AMAP", "高德地理编码"
    GEOCODE_TENCENT = "GEOCODE_TENCENT", "腾讯地理编码"
    GEOCODE_BAIDU = "GEOCODE_BAIDU", "百度地理编码"
    GEOCODE_OTHER = "GEOCODE_OTHER", "其他地理编码"
    MANUAL_PICK = "MANUAL_PICK", "地图点选"


class CoordinateVisibility(LabelledEnum):
    """Who may see a precise location (unexcavated tombs, for instance, are sensitive)."""

    PUBLIC = "PUBLIC", "公开"
    SENSITIVE = "SENSITIVE", "敏感(公开时隐去精确坐标)"


# --- designations ---------------------------------------------------------------------------


class ProtectionLevel(LabelledEnum):
    """The cultural-relic protection ladder (按级施保), from national to ungraded."""

    NATIONAL = "NATIONAL", "全国重点文物保护单位"
    PROVINCIAL = "PROVINCIAL", "省级文物保护单位"
    MUNICIPAL = "MUNICIPAL", "市级文物保护单位"
    COUNTY = "COUNTY", "县级文物保护单位"
    UNGRADED = "UNGRADED", "未定级不可移动文物"

    @property
    def rank(self) -> int:
        """1 for national … 5 for ungraded."""
        return list(ProtectionLevel).index(self) + 1


class DesignationScope(LabelledEnum):
    """Level of government (or body) that grants a designation."""

    INTERNATIONAL = "INTERNATIONAL", "国际"
    NATIONAL = "NATIONAL", "国家级"
    PROVINCIAL = "PROVINCIAL", "省级"
    CITY = "CITY", "市级"
    COUNTY = "COUNTY", "县级"


class DesignationType(LabelledEnum):
    """Every designation the registry records (domain guide §1.1)."""

    CPU_NATIONAL = "CPU_NATIONAL", "全国重点文物保护单位"
    CPU_PROVINCIAL = "CPU_PROVINCIAL", "省级文物保护单位"
    CPU_MUNICIPAL = "CPU_MUNICIPAL", "市级文物保护单位"
    CPU_COUNTY = "CPU_COUNTY", "县级文物保护单位"
    IMMOVABLE_UNGRADED = "IMMOVABLE_UNGRADED", "未定级不可移动文物"
    HISTORIC_BUILDING = "HISTORIC_BUILDING", "历史建筑"
    HISTORIC_BLOCK = "HISTORIC_BLOCK", "历史文化街区"
    HISTORIC_BLOCK_CHINA = "HISTORIC_BLOCK_CHINA", "中国历史文化街区"
    FAMOUS_CITY_NATIONAL = "FAMOUS_CITY_NATIONAL", "国家历史文化名城"
    FAMOUS_CITY_PROVINCIAL = "FAMOUS_CITY_PROVINCIAL", "省级历史文化名城"
    FAMOUS_TOWN_PROVINCIAL = "FAMOUS_TOWN_PROVINCIAL", "省级历史文化名镇"
    FAMOUS_VILLAGE_PROVINCIAL = "FAMOUS_VILLAGE_PROVINCIAL", "省级历史文化名村"
    FAMOUS_TOWN_CHINA = "FAMOUS_TOWN_CHINA", "中国历史文化名镇"
    FAMOUS_VILLAGE_CHINA = "FAMOUS_VILLAGE_CHINA", "中国历史文化名村"
    TRADITIONAL_VILLAGE_CHINA = "TRADITIONAL_VILLAGE_CHINA", "中国传统村落"
    TRADITIONAL_VILLAGE_PROVINCIAL = "TRADITIONAL_VILLAGE_PROVINCIAL", "省级传统村落"
    WORLD_HERITAGE_CULTURAL = "WORLD_HERITAGE_CULTURAL", "世界文化遗产"
    WORLD_HERITAGE_MIXED = "WORLD_HERITAGE_MIXED", "世界文化与自然双重遗产"
    WORLD_HERITAGE_TENTATIVE = "WORLD_HERITAGE_TENTATIVE", "中国世界文化遗产预备名单"

    @property
    def protection_level(self) -> ProtectionLevel | None:
        """The relic-ladder level this type confers, if it is a relic designation."""
        return _RELIC_LEVELS.get(self)

    @property
    def scope(self) -> DesignationScope:
        """The level of government that grants it."""
        return _SCOPES[self]

    @property
    def is_relic_level(self) -> bool:
        """文物保护单位 of any level, or a registered ungraded relic."""
        return self in _RELIC_LEVELS


_RELIC_LEVELS = {
    DesignationType.CPU_NATIONAL: ProtectionLevel.NATIONAL,
    DesignationType.CPU_PROVINCIAL: ProtectionLevel.PROVINCIAL,
    DesignationType.CPU_MUNICIPAL: ProtectionLevel.MUNICIPAL,
    DesignationType.CPU_COUNTY: ProtectionLevel.COUNTY,
    DesignationType.IMMOVABLE_UNGRADED: ProtectionLevel.UNGRADED,
}

_SCOPES = {
    DesignationType.CPU_NATIONAL: DesignationScope.NATIONAL,
    DesignationType.CPU_PROVINCIAL: DesignationScope.PROVINCIAL,
    DesignationType.CPU_MUNICIPAL: DesignationScope.CITY,
    DesignationType.CPU_COUNTY: DesignationScope.COUNTY,
    DesignationType.IMMOVABLE_UNGRADED: DesignationScope.COUNTY,
    DesignationType.HISTORIC_BUILDING: DesignationScope.CITY,
    DesignationType.HISTORIC_BLOCK: DesignationScope.PROVINCIAL,
    DesignationType.HISTORIC_BLOCK_CHINA: DesignationScope.NATIONAL,
    DesignationType.FAMOUS_CITY_NATIONAL: DesignationScope.NATIONAL,
    DesignationType.FAMOUS_CITY_PROVINCIAL: DesignationScope.PROVINCIAL,
    DesignationType.FAMOUS_TOWN_PROVINCIAL: DesignationScope.PROVINCIAL,
    DesignationType.FAMOUS_VILLAGE_PROVINCIAL: DesignationScope.PROVINCIAL,
    DesignationType.FAMOUS_TOWN_CHINA: DesignationScope.NATIONAL,
    DesignationType.FAMOUS_VILLAGE_CHINA: DesignationScope.NATIONAL,
    DesignationType.TRADITIONAL_VILLAGE_CHINA: DesignationScope.NATIONAL,
    DesignationType.TRADITIONAL_VILLAGE_PROVINCIAL: DesignationScope.PROVINCIAL,
    DesignationType.WORLD_HERITAGE_CULTURAL: DesignationScope.INTERNATIONAL,
    DesignationType.WORLD_HERITAGE_MIXED: DesignationScope.INTERNATIONAL,
    DesignationType.WORLD_HERITAGE_TENTATIVE: DesignationScope.NATIONAL,
}

# Which kinds of object each designation type may be attached to.
DESIGNATION_TARGETS: dict[DesignationType, frozenset[ObjectKind]] = {
    **{t: SITE_KINDS for t in _RELIC_LEVELS},
    DesignationType.HISTORIC_BUILDING: frozenset(
        {ObjectKind.BUILDING, ObjectKind.BUILDING_GROUP, ObjectKind.STRUCTURE}
    ),
    DesignationType.HISTORIC_BLOCK: frozenset({ObjectKind.BLOCK}),
    DesignationType.HISTORIC_BLOCK_CHINA: frozenset({ObjectKind.BLOCK}),
    DesignationType.FAMOUS_CITY_NATIONAL: frozenset({ObjectKind.CITY}),
    DesignationType.FAMOUS_CITY_PROVINCIAL: frozenset({ObjectKind.CITY}),
    DesignationType.FAMOUS_TOWN_PROVINCIAL: frozenset({ObjectKind.TOWN}),
    DesignationType.FAMOUS_TOWN_CHINA: frozenset({ObjectKind.TOWN}),
    DesignationType.FAMOUS_VILLAGE_PROVINCIAL: frozenset({ObjectKind.VILLAGE}),
    DesignationType.FAMOUS_VILLAGE_CHINA: frozenset({ObjectKind.VILLAGE}),
    DesignationType.TRADITIONAL_VILLAGE_CHINA: frozenset({ObjectKind.VILLAGE}),
    DesignationType.TRADITIONAL_VILLAGE_PROVINCIAL: frozenset({ObjectKind.VILLAGE}),
    DesignationType.WORLD_HERITAGE_CULTURAL: frozenset(ObjectKind),
    DesignationType.WORLD_HERITAGE_MIXED: frozenset(ObjectKind),
    DesignationType.WORLD_HERITAGE_TENTATIVE: frozenset(ObjectKind),
}


class DesignationStatus(LabelledEnum):
    """Life of a designation; rows are never overwritten, only moved along this ladder."""

    PROPOSED = "PROPOSED", "拟公布"
    ACTIVE = "ACTIVE", "有效"
    ENDANGERED = "ENDANGERED", "列入濒危名单"
    REVOKED = "REVOKED", "撤销"
    SUPERSEDED = "SUPERSEDED", "已升级/合并"

    @property
    def is_in_force(self) -> bool:
        """Active and endangered designations still protect the object."""
        return self in (DesignationStatus.ACTIVE, DesignationStatus.ENDANGERED)


class AnnouncementKind(LabelledEnum):
    """How a designation was made public."""

    BATCH_NOTICE = "BATCH_NOTICE", "批次公布"
    INDIVIDUAL_APPROVAL = "INDIVIDUAL_APPROVAL", "单独批复"
    REGISTRATION = "REGISTRATION", "登记公布"
    MERGE_INTO_EXISTING = "MERGE_INTO_EXISTING", "合并项目"


# --- surveys, mapping, plaques, archives ----------------------------------------------------


class SurveyMethod(LabelledEnum):
    """Mapping (测绘) technique."""

    MANUAL_TAPE = "MANUAL_TAPE", "传统手工测绘"
    TOTAL_STATION = "TOTAL_STATION", "全站仪测量"
    GNSS_RTK = "GNSS_RTK", "GNSS/RTK控制测量"
    LEVELLING = "LEVELLING", "水准测量"
    TLS = "TLS", "地面三维激光扫描"
    MLS_SLAM = "MLS_SLAM", "移动激光扫描"
    CLOSE_RANGE_PHOTOGRAMMETRY = "CLOSE_RANGE_PHOTOGRAMMETRY", "近景摄影测量"
    UAV_OBLIQUE = "UAV_OBLIQUE", "无人机倾斜摄影"
    UAV_LIDAR = "UAV_LIDAR", "机载激光雷达"
    STRUCTURED_LIGHT = "STRUCTURED_LIGHT", "结构光三维扫描"
    HBIM = "HBIM", "历史建筑信息模型"


class SurveyDepth(LabelledEnum):
    """Depth of a mapping campaign."""

    BASIC = "BASIC", "简略测绘"
    TYPICAL = "TYPICAL", "典型测绘"
    FULL = "FULL", "全面测绘"
    FASHI = "FASHI", "法式测绘"


class DeliverableType(LabelledEnum):
    """What a mapping campaign hands over."""

    LOCATION_PLAN = "LOCATION_PLAN", "区位图"
    SITE_PLAN = "SITE_PLAN", "总平面图"
    FLOOR_PLAN = "FLOOR_PLAN", "平面图"
    ROOF_PLAN = "ROOF_PLAN", "屋顶平面图"
    ELEVATION = "ELEVATION", "立面图"
    SECTION = "SECTION", "剖面图"
    REFLECTED_CEILING = "REFLECTED_CEILING", "梁架仰视图"
    DETAIL = "DETAIL", "大样图"
    COMPONENT = "COMPONENT", "构件图"
    POINT_CLOUD = "POINT_CLOUD", "点云"
    MESH = "MESH", "三维模型"
    ORTHOPHOTO = "ORTHOPHOTO", "正射影像"
    HBIM_MODEL = "HBIM_MODEL", "BIM/IFC模型"
    REPORT = "REPORT", "测绘报告"


class QaStatus(LabelledEnum):
    """Quality check of a mapping record."""

    PENDING = "PENDING", "待检"
    PASSED = "PASSED", "合格"
    FAILED = "FAILED", "不合格"


class PlaqueType(LabelledEnum):
    """Protection signs and plaques (挂牌)."""

    CPU_SIGN = "CPU_SIGN", "文物保护单位标志"
    CPU_BOUNDARY_MARKER = "CPU_BOUNDARY_MARKER", "保护界桩"
    UNGRADED_SIGN = "UNGRADED_SIGN", "不可移动文物标志"
    HISTORIC_BUILDING_SIGN = "HISTORIC_BUILDING_SIGN", "历史建筑保护标志"
    BLOCK_ENTRANCE_SIGN = "BLOCK_ENTRANCE_SIGN", "街区/名镇/名村标志牌"
    TRADITIONAL_VILLAGE_PLAQUE = "TRADITIONAL_VILLAGE_PLAQUE", "中国传统村落标志牌"
    WORLD_HERITAGE_EMBLEM = "WORLD_HERITAGE_EMBLEM", "世界遗产标志"


class PlaqueMaterial(LabelledEnum):
    """What a plaque is made of."""

    STONE = "STONE", "石材"
    WOOD = "WOOD", "木材"
    METAL = "METAL", "金属"
    ENAMEL = "ENAMEL", "搪瓷"
    COMPOSITE = "COMPOSITE", "复合材料"
    OTHER = "OTHER", "其他"


class PlaqueCondition(LabelledEnum):
    """Plaque state at the last inspection."""

    INTACT = "INTACT", "完好"
    DAMAGED = "DAMAGED", "损坏"
    MISSING = "MISSING", "缺失"
    REPLACED = "REPLACED", "已更换"


class ArchiveSection(LabelledEnum):
    """The five sections a historic-building archive must hold (条例 Art. 32)."""

    VALUE_AND_DATING = "VALUE_AND_DATING", "艺术特征、历史特征、建设年代及稀有程度"
    TECHNICAL_DATA = "TECHNICAL_DATA", "有关技术资料"
    USE_AND_OWNERSHIP = "USE_AND_OWNERSHIP", "使用现状和权属变化情况"
    REPAIR_DOCUMENTATION = (
        "REPAIR_DOCUMENTATION",
        "修缮、装饰装修过程中形成的文字、图纸、图片、影像等资料",
    )
    SURVEY_MAPPING = "SURVEY_MAPPING", "测绘信息记录和相关资料"


class DocumentVolume(LabelledEnum):
    """Volumes of a 国保 record archive (国家文物局 2003 记录档案工作规范)."""

    MAIN_TEXT = "MAIN_TEXT", "主卷·文字卷"
    MAIN_DRAWINGS = "MAIN_DRAWINGS", "主卷·图纸卷"
    MAIN_PHOTOS = "MAIN_PHOTOS", "主卷·照片卷"
    MAIN_RUBBINGS = "MAIN_RUBBINGS", "主卷·拓片及摹本卷"
    MAIN_PLANS = "MAIN_PLANS", "主卷·保护规划及保护工程方案卷"
    MAIN_SURVEY_EXCAVATION = "MAIN_SURVEY_EXCAVATION", "主卷·文物调查及考古发掘资料卷"
    MAIN_WORKS_MONITORING = "MAIN_WORKS_MONITORING", "主卷·文物保护工程及防治监测卷"
    MAIN_DISPLAY = "MAIN_DISPLAY", "主卷·文物展示卷"
    MAIN_ELECTRONIC = "MAIN_ELECTRONIC", "主卷·电子文件卷"
    SECONDARY_ADMIN = "SECONDARY_ADMIN", "副卷·行政管理文件"
    SECONDARY_LEGAL = "SECONDARY_LEGAL", "副卷·法律文书"
    SECONDARY_CHRONICLE = "SECONDARY_CHRONICLE", "副卷·大事记"
    REFERENCE = "REFERENCE", "备考卷"
    SUPPLEMENT = "SUPPLEMENT", "续补卷"


# --- interventions, craftsmen, incidents ----------------------------------------------------


class InterventionType(LabelledEnum):
    """Kinds of works (文物保护工程管理办法 2003, plus practice)."""

    MAINTENANCE = "MAINTENANCE", "保养维护工程"
    EMERGENCY_STABILISATION = "EMERGENCY_STABILISATION", "抢险加固工程"
    RESTORATION = "RESTORATION", "修缮工程"
    PROTECTIVE_FACILITY = "PROTECTIVE_FACILITY", "保护性设施建设工程"
    RELOCATION = "RELOCATION", "迁移工程"
    RECONSTRUCTION = "RECONSTRUCTION", "原址重建"
    ENVIRONMENT = "ENVIRONMENT", "环境整治工程"
    DISPLAY_USE = "DISPLAY_USE", "展示利用工程"
    SECURITY = "SECURITY", "安防工程"
    FIRE = "FIRE", "消防工程"
    LIGHTNING = "LIGHTNING", "防雷工程"
    GREEN_RETROFIT = "GREEN_RETROFIT", "绿色化更新改造"
    ADAPTIVE_REUSE = "ADAPTIVE_REUSE", "活化利用"

    @property
    def alters_building(self) -> bool:
        """Works that change structure, use or exterior (条例 Art. 35 approvals)."""
        return self in (
            InterventionType.RECONSTRUCTION,
            InterventionType.GREEN_RETROFIT,
            InterventionType.ADAPTIVE_REUSE,
            InterventionType.RELOCATION,
        )


class InterventionStatus(LabelledEnum):
    """Workflow of a works project."""

    PROPOSED = "PROPOSED", "申报"
    APPROVED = "APPROVED", "已批准"
    REJECTED = "REJECTED", "未批准"
    IN_PROGRESS = "IN_PROGRESS", "施工中"
    COMPLETED = "COMPLETED", "已完工"
    ACCEPTED = "ACCEPTED", "已验收"
    CANCELLED = "CANCELLED", "已取消"


# Allowed workflow moves: from → the states it may go to.
INTERVENTION_TRANSITIONS: dict[InterventionStatus, frozenset[InterventionStatus]] = {
    InterventionStatus.PROPOSED: frozenset(
        {InterventionStatus.APPROVED, InterventionStatus.REJECTED, InterventionStatus.CANCELLED}
    ),
    InterventionStatus.APPROVED: frozenset(
        {InterventionStatus.IN_PROGRESS, InterventionStatus.CANCELLED}
    ),
    InterventionStatus.IN_PROGRESS: frozenset(
        {InterventionStatus.COMPLETED, InterventionStatus.CANCELLED}
    ),
    InterventionStatus.COMPLETED: frozenset({InterventionStatus.ACCEPTED}),
    InterventionStatus.REJECTED: frozenset(),
    InterventionStatus.ACCEPTED: frozenset(),
    InterventionStatus.CANCELLED: frozenset(),
}


class FirmQualification(LabelledEnum):
    """文物保护工程资质 grade of a firm; grade 1 may work on 国保."""

    GRADE_1 = "GRADE_1", "一级"
    GRADE_2 = "GRADE_2", "二级"
    GRADE_3 = "GRADE_3", "三级"
    NONE = "NONE", "无资质"


class FundingSource(LabelledEnum):
    """Where the money for works comes from."""

    CENTRAL = "CENTRAL", "中央财政"
    PROVINCIAL = "PROVINCIAL", "省级财政"
    MUNICIPAL = "MUNICIPAL", "市级财政"
    COUNTY = "COUNTY", "县级财政"
    OWNER = "OWNER", "产权人自筹"
    SOCIAL = "SOCIAL", "社会资金"
    OTHER = "OTHER", "其他"


class CraftTrade(LabelledEnum):
    """Traditional building trades."""

    DAMUZUO = "DAMUZUO", "大木作"
    XIAOMUZUO = "XIAOMUZUO", "小木作"
    WAZUO = "WAZUO", "瓦作"
    SHIZUO = "SHIZUO", "石作"
    YOUSHI_CAIHUA = "YOUSHI_CAIHUA", "油饰彩画"
    BRICK_CARVING = "BRICK_CARVING", "砖雕"
    WOOD_CARVING = "WOOD_CARVING", "木雕"
    STONE_CARVING = "STONE_CARVING", "石雕"
    EARTH_RAMMING = "EARTH_RAMMING", "夯土"
    OTHER = "OTHER", "其他"


class InheritorLevel(LabelledEnum):
    """Level of an intangible-heritage inheritor or craftsman title."""

    NATIONAL = "NATIONAL", "国家级"
    PROVINCIAL = "PROVINCIAL", "省级"
    CITY = "CITY", "市级"
    COUNTY = "COUNTY", "县级"
    NONE = "NONE", "无"


class IncidentType(LabelledEnum):
    """Negative events (城市体检 负面事件)."""

    UNAUTHORISED_DEMOLITION = "UNAUTHORISED_DEMOLITION", "擅自拆除"
    UNAUTHORISED_RELOCATION = "UNAUTHORISED_RELOCATION", "擅自迁移"
    UNAUTHORISED_ALTERATION = "UNAUTHORISED_ALTERATION", "擅自改建"
    DEFACEMENT = "DEFACEMENT", "刻划涂污"
    FIRE = "FIRE", "火灾"
    COLLAPSE = "COLLAPSE", "坍塌"
    COMPONENT_THEFT = "COMPONENT_THEFT", "构件盗窃"
    TOWNSCAPE_DAMAGE = "TOWNSCAPE_DAMAGE", "破坏历史风貌"
    SIGN_DAMAGE = "SIGN_DAMAGE", "损毁保护标志"
    NATURAL_DISASTER = "NATURAL_DISASTER", "自然灾害"


class IncidentSeverity(LabelledEnum):
    """How serious an incident is."""

    MINOR = "MINOR", "轻微"
    MODERATE = "MODERATE", "一般"
    SERIOUS = "SERIOUS", "严重"
    CRITICAL = "CRITICAL", "特别严重"


class IncidentStatus(LabelledEnum):
    """Follow-up of an incident."""

    REPORTED = "REPORTED", "已报告"
    INVESTIGATING = "INVESTIGATING", "调查中"
    RESOLVED = "RESOLVED", "已处理"


class ApprovalLevel(LabelledEnum):
    """Level of the body that approved a demolition, relocation or works."""

    STATE_COUNCIL = "STATE_COUNCIL", "国务院"
    NATIONAL_AUTHORITY = "NATIONAL_AUTHORITY", "国家文物局/住房城乡建设部"
    PROVINCIAL = "PROVINCIAL", "省级人民政府或主管部门"
    CITY = "CITY", "市级"
    COUNTY = "COUNTY", "县级"

    @property
    def rank(self) -> int:
        """1 for the State Council … 5 for a county."""
        return list(ApprovalLevel).index(self) + 1


# --- media, users, history ------------------------------------------------------------------


class MediaKind(LabelledEnum):
    """Images get renditions; documents (PDF, drawings, point clouds) are kept as delivered."""

    IMAGE = "IMAGE", "图片"
    DOCUMENT = "DOCUMENT", "文档"


class UserRole(LabelledEnum):
    """What a user may do; each role includes the rights of the ones before it."""

    RESEARCHER = "RESEARCHER", "研究人员"
    SURVEYOR = "SURVEYOR", "调查测绘人员"
    PROTECTION_OFFICER = "PROTECTION_OFFICER", "文物保护管理人员"
    ADMINISTRATOR = "ADMINISTRATOR", "系统管理员"

    def includes(self, other: UserRole) -> bool:
        """True when this role has at least ``other``'s rights."""
        order = list(UserRole)
        return order.index(self) >= order.index(other)


class ChangeAction(LabelledEnum):
    """What a write did to a row."""

    CREATE = "CREATE", "新增"
    UPDATE = "UPDATE", "修改"
    DELETE = "DELETE", "删除"
