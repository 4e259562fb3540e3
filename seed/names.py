"""Names for the demo market: firms, districts and the zone's 34 institutions (as the plan counts them)."""
from __future__ import annotations

import random

# 西部（重庆）科学城 / 重庆高新区 lies mostly in these districts; weights favour the zone's core.
DISTRICTS = (
    ("九龙坡区", 30), ("沙坪坝区", 22), ("北碚区", 12), ("璧山区", 10), ("江津区", 8),
    ("渝北区", 6), ("江北区", 3), ("南岸区", 3), ("渝中区", 2), ("大渡口区", 2), ("巴南区", 2),
)
# Administrative division codes used in the USCC's digits 3-8.
DIVISION_CODES = {
    "九龙坡区": "500107", "沙坪坝区": "500106", "北碚区": "500109", "璧山区": "500120",
    "江津区": "500116", "渝北区": "500112", "江北区": "500105", "南岸区": "500108",
    "渝中区": "500103", "大渡口区": "500104", "巴南区": "500113",
}

BRAND_SYLLABLES = (
    "云", "启", "智", "瑞", "华", "恒", "博", "创", "星", "汇", "鼎", "盛", "科", "睿", "达", "凯", "领",
    "航", "晟", "泽", "信", "腾", "远", "拓", "微", "联", "迅", "正", "嘉", "和", "越", "新", "源", "峰",
    "巴", "渝", "嘉陵", "缙云", "歌乐", "金凤", "西永", "含谷", "白市驿", "曾家", "明", "晶", "芯",
    "光", "磐", "宸", "钧", "锐", "卓", "铭", "宇", "坤", "霖", "骏", "澜", "易", "优", "朗",
)
INDUSTRY_WORDS = {
    "next_gen_it": ("信息技术", "软件", "数据科技", "电子科技", "半导体", "物联网科技", "智能科技", "网络科技", "光电科技"),
    "life_health": ("生物科技", "医药", "医疗器械", "基因科技", "健康科技", "生物医药", "诊断技术"),
    "green_smart_manufacturing": ("智能装备", "新材料", "新能源科技", "环保科技", "精密制造", "机器人", "汽车电子", "节能科技"),
    "high_tech_services": ("检测技术", "技术服务", "科技咨询", "知识产权服务", "工业设计", "数字科技"),
    "other": ("实业", "商贸", "文化科技", "农业科技", "供应链管理"),
}
LEGAL_FORMS = (("有限公司", 85), ("股份有限公司", 10), ("有限责任公司", 5))

# (full name, short brand used in product names)
BANKS = (
    ("中国工商银行重庆高新区支行", "工行"), ("中国农业银行重庆科学城支行", "农行"),
    ("中国银行重庆高新技术产业开发区支行", "中行"), ("中国建设银行重庆高新支行", "建行"),
    ("交通银行重庆西永支行", "交行"), ("中国邮政储蓄银行重庆高新区支行", "邮储"),
    ("招商银行重庆科学城支行", "招行"), ("中信银行重庆高新区支行", "中信"),
    ("浦发银行重庆高新支行", "浦发"), ("兴业银行重庆科技支行", "兴业"),
    ("中国民生银行重庆高新区支行", "民生"), ("中国光大银行重庆西部科学城支行", "光大"),
    ("平安银行重庆高新区支行", "平安"), ("华夏银行重庆高新支行", "华夏"),
    ("重庆银行高新区支行", "重庆银行"), ("重庆农村商业银行科学城支行", "渝农商"),
    ("重庆三峡银行高新支行", "三峡银行"), ("重庆富民银行科技金融部", "富民"),
)
FUNDS = (
    ("重庆高新区创新创业投资基金管理有限公司", "高新创投"), ("重庆科学城产业引导基金管理有限公司", "科学城基金"),
    ("重庆渝富资本股权投资基金管理有限公司", "渝富资本"), ("重庆西永天使投资管理有限公司", "西永天使"),
    ("重庆金凤生物医药产业基金管理有限公司", "金凤基金"), ("重庆科创私募股权投资基金管理有限公司", "科创基金"),
    ("重庆含谷智能制造产业基金管理有限公司", "含谷基金"),
)
LESSORS = (
    ("重庆高新融资租赁有限公司", "高新租赁"), ("重庆科学城融资租赁有限公司", "科学城租赁"),
    ("渝富融资租赁（重庆）有限公司", "渝富租赁"), ("重庆西永融资租赁有限公司", "西永租赁"),
    ("重庆银海融资租赁有限公司", "银海租赁"),
)
GUARANTORS = (("重庆高新融资担保有限公司", "高新担保"), ("重庆科技融资担保有限公司", "科技担保"))
INSURERS = (("中国人民财产保险股份有限公司重庆高新支公司", "人保财险"),
            ("中国太平洋财产保险股份有限公司重庆科技保险支公司", "太保产险"))


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights, k=1)[0]


def firm_name(rng: random.Random, industry: str, taken: set[str]) -> str:
    """A plausible, unique Chinese firm name, e.g. 重庆云启智能科技有限公司."""
    for _attempt in range(50):
        brand = "".join(rng.sample(BRAND_SYLLABLES, 2))
        name = f"重庆{brand}{rng.choice(INDUSTRY_WORDS[industry])}{weighted(rng, LEGAL_FORMS)}"
        if name not in taken:
            taken.add(name)
            return name
    # Crowded name space (very large markets): a numbered branch keeps names unique.
    base = f"重庆{''.join(rng.sample(BRAND_SYLLABLES, 3))}{rng.choice(INDUSTRY_WORDS[industry])}有限公司"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}（{n}）", n + 1
    taken.add(name)
    return name


SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
            "罗", "高", "林", "谭", "冉", "向", "蒲", "邓", "唐", "熊", "秦")
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平",
         "刚", "丽", "华", "建国", "晓燕", "海波", "春梅", "志强", "雪梅", "小龙", "德明", "红英", "俊杰")
MOBILE_PREFIXES = ("135", "136", "138", "139", "150", "152", "158", "177", "180", "183", "186", "187", "189", "199")


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
