"""Demo data for Sales Cockpit: a believable B2B key-account sales organisation, weekly snapshots.

The whole history is simulated once, up to the newest Sunday: customers with buying windows, order
lines drawn from a seasonal, growing daily demand curve, opportunities with dated life events
(stage entries and the odd step back, close-date revisions, amount changes, win/loss, removal) and
the activities around them. Each weekly snapshot is then the state of that history as of its own
Sunday: orders dated on or before it, every opportunity's stage, status, expected close and amount
as they stood that day.

As in any key-account business most revenue (~60%) comes from won opportunities, booked as order
lines that carry the opportunity_id; the rest is the run-rate business of smaller repeat orders.
The numbers carry a story an executive recognises (see the STORY constants): GD, ZJ and JA above
target with ~3× pipeline coverage, XJ, HJ and NW below with about half the cover they need, the
nation near 1.5–2× and forecast near target, SD's margin eroding over the last six weeks, SC
leaning on special-price orders, stale, slipping and regressing deals, dormant customers, prospects
and newly activated accounts. Targets are planned from each region's customer base and valued at
what the region actually sold per fiscal quarter, so the attainment story holds whatever a few big
deals do.

For the management review (SPEC §10) reps meet customers at their own pace, most AEs near the norm
of twelve a week and two far below it, a few leaving focus accounts without any contact for weeks;
each rep has monthly targets split from the region's; and SC and HEN book a few suspect order lines
every month for the market-order check.

Every random draw comes from a PCG64 generator seeded by ``--seed`` and a fixed stream name, and
nothing depends on the wall clock except the default ``--as-of``: the same arguments always give the
same table contents.

    python -m data.demo --data-dir DIR --as-of YYYY-MM-DD [--weeks 8] [--orders N] [--seed N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data import config
from data.config import SCORE_CRITERIA
from data.schema import ACTIVITY_TYPES, CHANNELS, OPPORTUNITY_SOURCES
from data.store import discover, iso_week_id, write_snapshot

# ------------------------------------------------------------------------------------ vocabulary

# The demo company's product lines (the configuration's defaults describe them).
PRODUCT_LINES = ("PC", "NB", "Server", "Service")

# region_id, name_en, name_zh, region_group, relative market size, cities (for customer names)
REGIONS = (
    ("HJ", "Heilongjiang-Jilin", "黑吉", "North", 0.55, ("Harbin", "Changchun", "Jilin", "Daqing")),
    ("SM", "Shanxi-Inner Mongolia", "晋蒙", "North", 0.55, ("Taiyuan", "Datong", "Hohhot", "Baotou")),
    ("JJJ", "Beijing-Tianjin-Hebei", "京津冀", "North", 1.45,
     ("Beijing", "Tianjin", "Shijiazhuang", "Tangshan", "Baoding")),
    ("LN", "Liaoning", "辽宁", "North", 0.65, ("Shenyang", "Dalian", "Anshan", "Fushun")),
    ("SD", "Shandong", "山东", "East", 1.15, ("Jinan", "Qingdao", "Yantai", "Weifang", "Zibo")),
    ("FJ", "Fujian", "福建", "South", 0.75, ("Fuzhou", "Xiamen", "Quanzhou", "Putian")),
    ("SH", "Shanghai", "上海", "East", 1.20, ("Shanghai", "Pudong", "Minhang", "Songjiang")),
    ("JA", "Jiangsu-Anhui", "苏皖", "East", 1.45, ("Nanjing", "Suzhou", "Wuxi", "Hefei", "Wuhu")),
    ("ZJ", "Zhejiang", "浙江", "East", 1.25,
     ("Hangzhou", "Ningbo", "Wenzhou", "Shaoxing", "Jiaxing")),
    ("SC", "Sichuan-Chongqing", "川渝", "West", 1.05, ("Chengdu", "Chongqing", "Mianyang", "Deyang")),
    ("NW", "Northwest", "西北", "West", 0.60, ("Xi'an", "Lanzhou", "Yinchuan", "Xining", "Baoji")),
    ("XJ", "Xinjiang", "新疆", "West", 0.30, ("Urumqi", "Karamay", "Korla", "Kashgar")),
    ("YG", "Yunnan-Guizhou", "云贵", "West", 0.55, ("Kunming", "Guiyang", "Qujing", "Zunyi")),
    ("GD", "Guangdong", "广东", "South", 1.55,
     ("Guangzhou", "Dongguan", "Foshan", "Zhuhai", "Shantou")),
    ("HEN", "Henan", "河南", "Central", 0.90, ("Zhengzhou", "Luoyang", "Kaifeng", "Xinxiang")),
    ("HUB", "Hubei", "湖北", "Central", 0.80, ("Wuhan", "Yichang", "Xiangyang", "Jingzhou")),
    ("SG", "Shenzhen-Guangxi", "深桂", "South", 0.90, ("Shenzhen", "Nanning", "Guilin", "Liuzhou")),
    ("XG", "Hunan-Jiangxi", "湘赣", "Central", 0.80, ("Changsha", "Nanchang", "Zhuzhou", "Ganzhou")),
)
REGION_IDS = tuple(r[0] for r in REGIONS)

INDUSTRIES = (
    ("GOV", "Government", "政府"),
    ("EDU", "Education", "教育"),
    ("ENT", "Enterprise", "企业"),
    ("DEF", "Defense", "军工"),
    ("TEL", "Telecom", "电信"),
    ("PWR", "Power", "电力"),
    ("FIN", "Finance", "金融"),
)
INDUSTRY_IDS = tuple(i[0] for i in INDUSTRIES)
# Share of a typical region's customers in each industry, and where a region differs.
INDUSTRY_MIX = {"GOV": 0.22, "EDU": 0.15, "ENT": 0.30, "DEF": 0.05, "TEL": 0.08, "PWR": 0.10,
                "FIN": 0.10}
REGION_INDUSTRY_TILT = {
    "JJJ": {"GOV": 1.5, "DEF": 1.8},
    "SH": {"FIN": 2.0, "ENT": 1.2},
    "SG": {"ENT": 1.4, "FIN": 1.4},
    "SC": {"DEF": 1.6},
    "NW": {"DEF": 1.5, "PWR": 1.3},
    "XJ": {"GOV": 1.4, "PWR": 1.4, "DEF": 0.2},
    "SD": {"ENT": 1.2, "PWR": 1.2},
}
# Share of an industry's order lines in each product line (PC, NB, Server, Service).
PRODUCT_LINE_MIX = {
    "GOV": (0.46, 0.28, 0.08, 0.18),
    "EDU": (0.52, 0.27, 0.06, 0.15),
    "ENT": (0.32, 0.42, 0.08, 0.18),
    "DEF": (0.44, 0.22, 0.18, 0.16),
    "TEL": (0.22, 0.23, 0.30, 0.25),
    "PWR": (0.35, 0.23, 0.22, 0.20),
    "FIN": (0.30, 0.28, 0.20, 0.22),
}

# Product catalogue: (product_line, series, margin_class, high_margin, cost ÷ list price,
#                     models as (model, list price, typical quantity per line, popularity)).
SERIES = (
    ("PC", "Qiming D", "standard", False, 0.775,
     (("D3", 3899, 3, 3), ("D5", 5299, 3, 4), ("D7", 6899, 2, 2))),
    ("PC", "Qiming M", "entry", False, 0.815, (("M2", 2999, 4, 2), ("M4", 3699, 3, 1.5))),
    ("PC", "Qiming AIO", "premium", True, 0.735, (("A24", 5999, 2, 1.2), ("A27", 7999, 2, 0.7))),
    ("PC", "Xinchuang D", "premium", True, 0.725, (("XD5", 6499, 4, 1.4), ("XD7", 8999, 3, 0.7))),
    ("NB", "Yunfan N", "standard", False, 0.770,
     (("N14", 4999, 3, 3), ("N15", 5699, 3, 3), ("N16", 6999, 2, 1.5))),
    ("NB", "Yunfan S", "entry", False, 0.810, (("S14", 3999, 3, 2), ("S15", 4499, 3, 1.5))),
    ("NB", "Yunfan Pro", "premium", True, 0.720, (("P14", 8999, 2, 1.4), ("P16", 11999, 1, 0.7))),
    ("NB", "Xinchuang N", "premium", True, 0.720, (("XN14", 9499, 3, 1.0),)),
    ("NB", "Rugged", "premium", True, 0.690, (("R13", 18999, 1, 0.4),)),
    ("Server", "Tianyu R", "standard", False, 0.700,
     (("R220", 38000, 2, 3), ("R240", 56000, 1, 2.5), ("R480", 128000, 1, 0.6))),
    ("Server", "Tianyu T", "entry", False, 0.745, (("T110", 16000, 1, 2.5), ("T130", 24000, 1, 2))),
    ("Server", "Tianyu AI", "premium", True, 0.640,
     (("G260 inference", 260000, 1, 0.25), ("G480 training", 480000, 1, 0.04))),
    ("Server", "Tianyu Storage", "standard", False, 0.700,
     (("ST200", 68000, 1, 1), ("ST500", 150000, 1, 0.3))),
    ("Service", "Care", "standard", False, 0.560,
     (("CP3 3-year on-site care", 480, 10, 3), ("CP5 5-year on-site care", 790, 10, 2))),
    ("Service", "Deploy", "standard", False, 0.560,
     (("DI device deployment", 150, 10, 2), ("DC data-centre deployment", 28000, 1, 1))),
    ("Service", "Managed", "premium", True, 0.500,
     (("MS desktop managed service", 1200, 15, 1.5),
      ("MS data-centre managed service", 120000, 1, 0.25))),
    ("Service", "Consulting", "premium", True, 0.520,
     (("IT planning", 60000, 1, 0.5), ("Security assessment", 45000, 1, 0.5))),
)
PRODUCT_ID_PREFIX = {"PC": "PC", "NB": "NB", "Server": "SV", "Service": "SE"}
# Mean discount off list price by margin class (entry products are already sharply priced).
DISCOUNT_MEAN = {"entry": 0.06, "standard": 0.09, "premium": 0.09}
DISCOUNT_CONCENTRATION = 110.0  # of the Beta distribution: higher = discounts closer to the mean

SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
            "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo")
GIVEN_NAMES = ("Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Jun", "Yang", "Yong", "Yan",
               "Jie", "Tao", "Ming", "Chao", "Xiu", "Hui", "Li", "Hao", "Bo", "Ping", "Gang",
               "Hong", "Xin", "Yu")
COMPANY_WORDS = ("Huaxin", "Zhongtian", "Hengtai", "Jinhui", "Xinda", "Dongfang", "Changcheng",
                 "Hongyuan", "Tianrui", "Fuxing", "Ruida", "Kaiyuan", "Shengshi", "Yongsheng",
                 "Baolong", "Jiahe", "Xinghe", "Anda", "Mingyang", "Huarun")
CUSTOMER_NAME_TEMPLATES = {
    "GOV": ("{city} Municipal Finance Bureau", "{city} Public Security Bureau",
            "{city} Tax Service",
            "{city} Administrative Service Center", "{city} Bureau of Statistics",
            "{city} Water Resources Bureau", "{city} Health Commission", "{city} Customs Office"),
    "EDU": ("{city} University", "{city} Normal University", "{city} Vocational College",
            "{city} No. {n} Middle School", "{city} Institute of Technology",
            "{city} Medical College"),
    "ENT": ("{city} {word} Manufacturing Co.", "{word} Logistics Group ({city})",
            "{city} {word} Pharmaceutical Co.", "{word} Auto Parts ({city}) Co.",
            "{city} {word} Steel Group", "{word} Electronics ({city}) Co.",
            "{city} {word} Retail Group"),
    "DEF": ("{city} Research Institute No. {n}", "{word} Aerospace Electronics ({city})",
            "{city} Shipbuilding Institute No. {n}", "{word} Precision Instruments ({city})"),
    "TEL": ("{city} Mobile Communications Co.", "{city} Unicom Branch",
            "{city} Telecom Data Center",
            "{word} Cable Network ({city})", "{city} Tower Infrastructure Co."),
    "PWR": ("{city} Power Supply Bureau", "{city} Power Grid Co.", "{word} Hydropower ({city})",
            "{city} Thermal Power Plant No. {n}", "{word} New Energy ({city}) Co."),
    "FIN": ("{city} Rural Commercial Bank", "{city} City Commercial Bank",
            "{word} Securities {city} Branch", "{word} Life Insurance ({city})",
            "{city} Credit Union",
            "{word} Trust ({city}) Co."),
}
DEAL_PURPOSES = {
    "PC": ("Desktop refresh", "Xinchuang desktop rollout", "Office PC upgrade"),
    "NB": ("Notebook refresh", "Mobile office upgrade", "Field staff notebooks"),
    "Server": ("Data centre expansion", "Server consolidation", "AI compute cluster",
               "Core system hardware"),
    "Service": ("Managed services renewal", "Deployment services", "On-site care contract"),
}

# ------------------------------------------------------------------------------------- calendar

EPOCH = dt.date(1970, 1, 1)
NEVER = 10**7  # a day number after any real date: "this event does not happen"
GOLDEN_RATIO_CONJUGATE = (5**0.5 - 1) / 2  # steps of the low-discrepancy sequences
SILVER_RATIO_CONJUGATE = 2**0.5 - 1
# Chinese New Year (orders nearly stop for the holiday week and pick up slowly after).
CHINESE_NEW_YEAR = ("2015-02-19", "2016-02-08", "2017-01-28", "2018-02-16", "2019-02-05",
                    "2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10",
                    "2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13",
                    "2030-02-03", "2031-01-23", "2032-02-11", "2033-01-31", "2034-02-19",
                    "2035-02-08")
DEMAND_GROWTH_PER_YEAR = 0.105
# Demand by calendar month (Jan … Dec): fiscal year-end March peak, quarter-end months up.
MONTH_FACTOR = np.array([0.95, 0.90, 1.20, 0.92, 0.95, 1.05, 0.95, 0.95, 1.05, 1.02, 1.00, 1.00])
WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 1.05, 0.25, 0.10])  # Monday … Sunday
QUARTER_END_PUSH = 1.15  # the last ten days of a fiscal quarter
GOLDEN_WEEK_FACTOR = 0.5  # 1–7 October

# ------------------------------------------------------------------------------------ the story

# Growth on top of DEMAND_GROWTH_PER_YEAR: regions ahead of target are also gaining share.
REGION_EXTRA_GROWTH = {"GD": 0.06, "ZJ": 0.05, "JA": 0.05, "XJ": -0.05, "HJ": -0.04, "NW": -0.03}
# Revenue attainment each region's targets are set for (the rest draw 0.97–1.07), and the
# nation's over the last twelve complete months.
REGION_ATTAINMENT = {"GD": 1.30, "ZJ": 1.24, "JA": 1.26, "XJ": 0.81, "HJ": 0.84, "NW": 0.87,
                     "SD": 1.04}
NATIONAL_ATTAINMENT = 1.03
REGIONS_WITHOUT_TARGET = (("XJ", "DEF"),)  # no target row at all for these region × industry
OTHER_UNTARGETED_COMBINATIONS = 4  # more region × industry pairs left without targets, at random
MARGIN_EROSION_REGION = "SD"
MARGIN_EROSION_DAYS = 45  # before the newest as_of, SD sells with deeper discounts …
MARGIN_EROSION_LINES = ("PC", "NB", "Server")
MARGIN_EROSION_EXTRA_DISCOUNT = (0.06, 0.09)  # … of this many points more
SPECIAL_PRICE_REGION = "SC"
SPECIAL_PRICE_REGION_SHARE = 0.31  # of SC's order value over the last 12 months …
SPECIAL_PRICE_REGION_SHARE_BEFORE = 0.12  # … and before
# Reps in strong regions see their customers more often (customer coverage follows attainment).
REGION_ACTIVITY_FACTOR = {"GD": 1.25, "ZJ": 1.2, "JA": 1.2, "XJ": 0.6, "HJ": 0.65, "NW": 0.7}
# The rep one-on-one (SPEC §10.4): most AEs see customers face to face about as often as the norm
# (FACE_TO_FACE_PER_WEEK), these two hardly leave the office (~2.4 a week) …
LOW_FACE_TO_FACE_REPS = ("XJ-AE02", "NW-AE02")
LOW_FACE_TO_FACE_FACTOR = 0.2  # of the AE norm
# … and these reps have let their biggest focus (tier 1) accounts go without any contact, for
# OVERDUE_QUIET_DAYS by the newest as_of (overdue contacts; accounts promoted to tier 1 if need be).
OVERDUE_CONTACT_REPS = ("XJ-AE02", "NW-AE02", "HJ-ISR02")
OVERDUE_ACCOUNTS_PER_REP = 2
OVERDUE_QUIET_DAYS = (40, 76)
# The market-order check (SPEC §10.5): every month SC and HEN book a few suspect run-rate lines of
# each kind: special prices without an opportunity, partner lines discounted beyond the
# deep-discount limit (alerts.deep_discount, 25%), special prices to accounts not pursued (§5.6).
MARKET_ORDER_REGIONS = ("SC", "HEN")
MARKET_ORDER_SHARE = 0.02  # of the region's order lines in the month, per kind …
MARKET_ORDER_MIN_LINES = 2  # … and at least this many
PARTNER_DEEP_DISCOUNT = (0.27, 0.36)

# ------------------------------------------------------------------------------- the business

# Customers per rep before scaling to --orders (an AE owns ~20 top accounts, an ISR ~200).
CUSTOMERS_PER_REP = {"lead": 10, "AE": 20, "ISR": 200}
ORDER_LINES_PER_CUSTOMER = 60  # sets the customer count for a given --orders
MIN_CUSTOMERS = 400
CUSTOMER_SIZE_MEAN = {"AE": 15.0, "ISR": 1.0}  # relative buying power of an account
INACTIVE_REPS = 3
# Buying patterns of the long tail (ISR accounts); key accounts (AE) are all "regular", since one
# key account more or less would swing a region's growth by 10–20%.
LIFECYCLE_MIX = {"regular": 0.60, "late": 0.13, "lapsing": 0.07, "dormant": 0.09, "new": 0.03,
                 "prospect": 0.08}
DORMANT_QUIET_DAYS = 430  # dormant customers' last order is at least this long before as_of
PARTNER_SHARE = {"AE": 0.22, "ISR": 0.42}  # of a customer's orders placed through a partner

LINES_PER_ORDER = 1.7  # on average
# Run-rate orders (not tracked as opportunities) are the smaller, repeat buys: products listed at
# this price or more are only sold through won deals, and quantities are scaled by this factor.
DEAL_ONLY_LIST_PRICE = 50_000
RUN_RATE_QUANTITY = 0.55
SPECIAL_PRICE_SHARE = 0.07  # of run-rate order lines nationally
SPECIAL_PRICE_EXTRA_DISCOUNT = (0.04, 0.12)
SPECIAL_PRICE_COST_SUPPORT = (0.4, 0.7)  # share of the extra discount the vendor refunds on cost
RETURN_SHARE = 0.005  # of order lines
WON_DEAL_SPECIAL_PRICE_SHARE = 0.09  # big deals are more often sold at an approved special price
DELIVERY_TRANCHE = 400_000  # a won deal is delivered in tranches of about this much …
MAX_TRANCHES = 4  # … at most this many

# Most revenue of a key-account business flows through tracked opportunities: won deals are about
# 55–60% of revenue, the rest is the run-rate business above.
OPPORTUNITIES_PER_CUSTOMER_YEAR = 4.3
CRM_HISTORY_DAYS = 456  # the CRM went live ~15 months before the newest as_of …
CRM_MIGRATED_DAYS = 180  # … with the deals then open that were opened this many days before
OPPORTUNITY_OUTCOMES = {"won": 0.34, "lost": 0.45, "stalled": 0.21}
# The highest stage (1–4) lost and stalled deals reach: many are lost late, to price or a
# competitor's last offer, so fewer Commit deals are won than its 75% says (the usual optimism).
LOST_AT_STAGE = (0.15, 0.20, 0.30, 0.35)
STALLED_AT_STAGE = (0.20, 0.30, 0.30, 0.20)
OPPORTUNITY_SOURCE_MIX = (0.60, 0.25, 0.15)  # of OPPORTUNITY_SOURCES: rep, partner, inbound
PROSPECT_DEAL_SHARE = 0.1  # deals with prospects on top of those with buying accounts (CRM era)
DEAL_LEAD_DAYS = 240  # deals start this long before the orders, so won deals are booked from day 1
# Deals go to accounts ∝ size ** OPPORTUNITY_ACCOUNT_POWER × the region's pipeline factor: strong
# regions build more pipeline (coverage ~3×), the regions behind target too little (~0.5–1×).
OPPORTUNITY_ACCOUNT_POWER = 0.6
REGION_PIPELINE = {"GD": 1.8, "ZJ": 1.8, "JA": 1.8, "XJ": 0.45, "HJ": 0.45, "NW": 0.45}
# A deal's amount: median for an account of size 1 × product-line factor × size ** power × a
# lognormal spread, within OPPORTUNITY_AMOUNT_RANGE (key accounts bring the ¥1M+ deals).
OPPORTUNITY_AMOUNT_MEDIAN = 145_000
OPPORTUNITY_AMOUNT_SIZE_POWER = 0.3
OPPORTUNITY_AMOUNT_SIGMA = 0.5
OPPORTUNITY_AMOUNT_BY_LINE = {"PC": 1.0, "NB": 0.9, "Server": 1.6, "Service": 0.8}
OPPORTUNITY_AMOUNT_RANGE = (50_000, 20_000_000)
STRATEGIC_DEAL_SHARE = 0.01  # of deals are projects several times the account's usual size
STRATEGIC_DEAL_FACTOR = (5.0, 0.6)  # median and sigma of that lognormal factor
EXPECTED_MARGIN_PCT = {"PC": 0.115, "NB": 0.13, "Server": 0.21, "Service": 0.38}
MARGIN_FLOOR = {"PC": 0.08, "NB": 0.10, "Server": 0.15, "Service": 0.30}
CLOSE_DATE_REVISIONS = 6  # at most, per opportunity …
DAYS_BETWEEN_CLOSE_REVISIONS = 28.0  # … on average, while the deal is worked
# The rep's expected close: remaining time to the real close × a lognormal factor (reps are a
# little optimistic), set on month ends or the fiscal quarter end (the quarter-end hockey stick).
CLOSE_ESTIMATE_BIAS = 0.85
CLOSE_ESTIMATE_SIGMA = 0.25
CLOSE_ON_MONTH_END = 0.45
CLOSE_ON_QUARTER_END = 0.35  # when the quarter ends within a month after the estimate
# A deal at stage 3 or later (Propose, Commit) is pulled back into the quarter that ended at most
# a month before its estimate this often: the rep commits it for the quarter.
CLOSE_PULLED_INTO_QUARTER = 0.8
REMOVED_SHARE = 0.025  # of opportunities deleted from the CRM while open
STALLED_CLEANED_UP = 0.9  # share of stalled deals the lead eventually closes as lost …
STALLED_CLEANUP_DAYS = (30, 120)  # … this many days after the last work on them
AMOUNT_CHANGED_SHARE = 0.12
# Share of deals that step back one stage once while worked (a stage 2–4 they reached), and of
# those, the share that win back the stage when it was their last one.
REGRESSION_SHARE = 0.5
REGRESSION_RECOVERED = 0.5
# While a deal is worked the rep touches it every DAYS_BETWEEN_DEAL_TOUCHES days on average at
# ¥200k, more often for bigger deals: × (200k ÷ amount) ** 0.3, within 5–30 days.
DAYS_BETWEEN_DEAL_TOUCHES = 18.0

# Activities a month per customer by owner role, and the mix of ACTIVITY_TYPES
# (visit, call, meeting, workshop).
ACTIVITIES_PER_MONTH = {"AE": 1.5, "ISR": 0.35}
ACTIVITY_MIX = {"AE": (0.45, 0.15, 0.30, 0.10), "ISR": (0.18, 0.70, 0.10, 0.02)}
# Whatever their accounts and deals ask for, a rep's face-to-face activities (visits, meetings,
# workshops) follow the rep's own pace: about this many a week by role (the AE norm of SPEC §10.4;
# ISRs work the phone), × √REGION_ACTIVITY_FACTOR × a personal lognormal factor. In a week with
# more, the rest are logged as calls; in one with fewer, the rep sees the accounts of their book.
FACE_TO_FACE_PER_WEEK = {"AE": 12.0, "ISR": 1.5}
FACE_TO_FACE_SPREAD = 0.12
HOLIDAY_FIELD_DAYS = 0.1  # share of a working day spent with customers over Chinese New Year
FACE_TO_FACE = np.isin(ACTIVITY_TYPES, config.KEYS["reps.face_to_face_types"].default)

# Rep targets (SPEC §10.4): each month's regional target split over the reps on the team at the
# month's start by their booked revenue in the fiscal year before (the first year: its own), at
# least REP_TARGET_FLOOR of the region's mean, × a planning factor per rep and fiscal year.
REP_TARGET_FLOOR = 0.3
REP_TARGET_SPREAD = 0.10

LIFECYCLE_CODES = {name: code for code, name in enumerate(LIFECYCLE_MIX)}


# ------------------------------------------------------------------------------------- helpers

def most_recent_sunday(day: dt.date) -> dt.date:
    """The Sunday on or before `day` (the as_of of the ISO week that `day` falls in)."""
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def fiscal_year_start(day: dt.date) -> dt.date:
    """1 April of the fiscal year containing `day` (FY26 = 2026-04-01 … 2027-03-31)."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def fiscal_year_end(day: dt.date) -> dt.date:
    """31 March ending the fiscal year containing `day`."""
    return dt.date(fiscal_year_start(day).year + 1, 3, 31)


def history_start(as_of: dt.date) -> dt.date:
    """Orders start two full fiscal years before the fiscal year of `as_of`."""
    return dt.date(fiscal_year_start(as_of).year - 2, 4, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01: the generator works on integer days, Arrow stores them as date32."""
    return (day - EPOCH).days


def _stream(seed: int, name: str) -> np.random.Generator:
    """An independent, reproducible random stream for one part of the world."""
    return np.random.Generator(np.random.PCG64([seed, zlib.crc32(name.encode())]))


def _month_end(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    return ((months + 1).astype("datetime64[D]") - 1).astype(np.int64)


def _choose_rows(rng: np.random.Generator, probabilities: np.ndarray, rows: np.ndarray
                 ) -> np.ndarray:
    """One category per element of `rows`, drawn from that row of the probability matrix."""
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(rows))[:, None] >= cumulative[rows, :-1]).sum(axis=1)


def _choose_within_groups(rng: np.random.Generator, item_group: np.ndarray, item_weight: np.ndarray,
                          groups: np.ndarray) -> np.ndarray:
    """For each element of `groups`, an item of that group with probability ∝ its weight.

    Items must be sorted by group, and the groups numbered 0, 1, 2 … each hold an item of positive
    weight: the cumulative shares then run from g to g + 1 within group g.
    """
    cumulative = np.cumsum(item_weight / np.bincount(item_group, item_weight)[item_group])
    last_of_group = np.r_[item_group[1:] != item_group[:-1], True]
    cumulative[last_of_group] = item_group[last_of_group] + 1.0  # no rounding gap at group ends
    return np.searchsorted(cumulative, groups + rng.random(len(groups)), side="right")


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within each run of equal values of the sorted `groups`."""
    position = np.arange(len(groups))
    first = np.r_[True, groups[1:] != groups[:-1]] if len(groups) else np.zeros(0, bool)
    return position - np.maximum.accumulate(np.where(first, position, 0))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Readable ids such as SO00000042, built in Arrow so ten million of them stay fast."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _dates(days: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, np.int64).astype("datetime64[D]"), mask=missing)


def _money(values: np.ndarray) -> np.ndarray:
    return np.round(values, 2)


# ----------------------------------------------------------------------------------- dimensions

@dataclass
class Reps:
    """The sales force: one lead per region (an AE without manager), AEs and ISRs under them."""

    rep_id: np.ndarray
    name: np.ndarray
    role: np.ndarray  # "AE" / "ISR"
    region: np.ndarray  # index into REGIONS
    manager: np.ndarray  # rep index, -1 for the regional leads
    is_lead: np.ndarray
    left_on: np.ndarray  # day the rep left (inactive reps), NEVER for active ones
    replacement: np.ndarray  # who took over the rep's accounts (itself when active)


def build_reps(rng: np.random.Generator, newest: int) -> Reps:
    """2–6 AEs (the first is the regional lead) and 3–10 ISRs per region, a few of them gone (not
    the reps of the story, who are still there to be talked to)."""
    rep_id, role, region, manager, is_lead = [], [], [], [], []
    for r, (region_id, _, _, _, size, _) in enumerate(REGIONS):
        n_ae = int(np.clip(round(1 + 2.6 * size + rng.uniform(-0.5, 0.5)), 2, 6))
        n_isr = int(np.clip(round(2 + 5.0 * size + rng.uniform(-0.5, 0.5)), 3, 10))
        lead = len(rep_id)
        for k in range(n_ae):
            rep_id.append(f"{region_id}-AE{k + 1:02d}")
            role.append("AE")
            region.append(r)
            manager.append(-1 if k == 0 else lead)
            is_lead.append(k == 0)
        for k in range(n_isr):
            rep_id.append(f"{region_id}-ISR{k + 1:02d}")
            role.append("ISR")
            region.append(r)
            manager.append(lead)
            is_lead.append(False)
    n = len(rep_id)
    pairs = rng.choice(len(SURNAMES) * len(GIVEN_NAMES), size=n, replace=False)
    names = np.array([f"{SURNAMES[p // len(GIVEN_NAMES)]} {GIVEN_NAMES[p % len(GIVEN_NAMES)]}"
                      for p in pairs], dtype=object)
    is_lead_arr = np.array(is_lead)
    region_arr = np.array(region)
    role_arr = np.array(role, dtype=object)
    left_on = np.full(n, NEVER, np.int64)
    in_story = np.isin(np.array(rep_id), LOW_FACE_TO_FACE_REPS + OVERDUE_CONTACT_REPS)
    leavers = rng.choice(np.flatnonzero(~is_lead_arr & ~in_story), size=INACTIVE_REPS,
                         replace=False)
    left_on[leavers] = newest - rng.integers(120, 400, size=INACTIVE_REPS)
    replacement = np.arange(n)
    for leaver in np.sort(leavers):
        peers = np.flatnonzero((region_arr == region_arr[leaver]) & (role_arr == role_arr[leaver])
                               & (left_on == NEVER))
        replacement[leaver] = peers[0] if len(peers) else np.array(manager)[leaver]
    return Reps(np.array(rep_id, dtype=object), names, role_arr, region_arr, np.array(manager),
                is_lead_arr, left_on, replacement)


@dataclass
class Products:
    """The catalogue, sorted by product line so products can be drawn within a line."""

    product_id: np.ndarray
    name: np.ndarray
    line: np.ndarray  # index into PRODUCT_LINES
    series: np.ndarray
    margin_class: np.ndarray
    high_margin: np.ndarray
    list_price: np.ndarray
    standard_cost: np.ndarray
    typical_quantity: np.ndarray
    popularity: np.ndarray
    discount_mean: np.ndarray


def build_products() -> Products:
    """About forty products across the series of SERIES, ids numbered within each product line."""
    rows = []
    for line_name in PRODUCT_LINES:
        number = 0
        for line, series, margin_class, high_margin, cost_ratio, models in SERIES:
            if line != line_name:
                continue
            for model, price, quantity, popularity in models:
                number += 1
                rows.append((f"{PRODUCT_ID_PREFIX[line]}{number:02d}", f"{series} {model}",
                             PRODUCT_LINES.index(line), series, margin_class, high_margin,
                             float(price), round(price * cost_ratio, 2), quantity, popularity,
                             DISCOUNT_MEAN[margin_class]))
    columns = list(zip(*rows))
    return Products(*(np.array(c, dtype=object if isinstance(c[0], str) else None)
                      for c in columns))


# ------------------------------------------------------------------------------------ customers

@dataclass
class Customers:
    """Accounts and the window in which they buy (first_order … last_order; NEVER: prospects)."""

    customer_id: pa.Array
    name: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    owner: np.ndarray  # current owner (rep index)
    first_owner: np.ndarray  # owner before any rep left
    created: np.ndarray
    first_order: np.ndarray
    last_order: np.ndarray
    size: np.ndarray
    partner_share: np.ndarray
    lifecycle: np.ndarray  # code of LIFECYCLE_MIX
    owned_by_ae: np.ndarray

    def booked_rep(self, customer: np.ndarray, day: np.ndarray, reps: Reps) -> np.ndarray:
        """The rep an order or activity on `day` is booked to: the owner then, not today."""
        first = self.first_owner[customer]
        return np.where(day < reps.left_on[first], first, self.owner[customer])


def build_customers(rng: np.random.Generator, reps: Reps, orders: int, start: int, newest: int
                    ) -> Customers:
    """Accounts spread over reps (AEs few and large, ISRs many and small), scaled to --orders."""
    weight = np.array([CUSTOMERS_PER_REP["lead" if lead else role]
                       for lead, role in zip(reps.is_lead, reps.role)], float)
    wanted = max(MIN_CUSTOMERS, orders // ORDER_LINES_PER_CUSTOMER)
    per_rep = np.maximum(1, np.round(weight * min(1.0, wanted / weight.sum()))).astype(int)
    first_owner = np.repeat(np.arange(len(per_rep)), per_rep)
    n = len(first_owner)
    owner = reps.replacement[first_owner]
    region = reps.region[first_owner]
    owned_by_ae = reps.role[first_owner] == "AE"

    mix = np.array([[INDUSTRY_MIX[i] * REGION_INDUSTRY_TILT.get(r, {}).get(i, 1.0)
                     for i in INDUSTRY_IDS] for r in REGION_IDS])
    industry = _choose_rows(rng, mix, region)

    mean = np.where(owned_by_ae, CUSTOMER_SIZE_MEAN["AE"], CUSTOMER_SIZE_MEAN["ISR"])
    sigma = np.where(owned_by_ae, 0.8, 1.0)
    size = mean * rng.lognormal(-sigma**2 / 2, sigma)
    partner_share = rng.beta(4, 6, n) * np.where(owned_by_ae, PARTNER_SHARE["AE"],
                                                 PARTNER_SHARE["ISR"]) / 0.4

    lifecycle = rng.choice(len(LIFECYCLE_MIX), size=n, p=list(LIFECYCLE_MIX.values()))
    lifecycle[owned_by_ae] = LIFECYCLE_CODES["regular"]
    first_order, last_order, created = _buying_windows(rng, lifecycle, start, newest)
    size[lifecycle == LIFECYCLE_CODES["prospect"]] = 0.0

    names = _customer_names(rng, region, industry)
    return Customers(_ids("C", np.arange(1, n + 1), 6), names, region, industry, owner, first_owner,
                     created, first_order, last_order, size, partner_share, lifecycle, owned_by_ae)


def _buying_windows(rng: np.random.Generator, lifecycle: np.ndarray, start: int, newest: int):
    """First and last possible order day and the created day, by life cycle.

    regular: buys throughout; late: starts buying during the history; lapsing: stopped during the
    last year or so; dormant: stopped more than DORMANT_QUIET_DAYS ago; new: first order within the
    last ~90 days; prospect: never buys. Churn and new accounts roughly balance, so volume grows
    with demand.
    """
    n = len(lifecycle)
    code = LIFECYCLE_CODES
    first = np.full(n, start, np.int64)
    last = np.full(n, newest, np.int64)
    created = start - rng.integers(30, 8 * 365, n)

    late = lifecycle == code["late"]
    first[late] = rng.integers(start + 30, newest - 120, late.sum())
    created[late] = first[late] - rng.integers(0, 180, late.sum())

    dormant = lifecycle == code["dormant"]
    last[dormant] = rng.integers(start + 60, newest - DORMANT_QUIET_DAYS, dormant.sum())

    lapsing = lifecycle == code["lapsing"]
    last[lapsing] = rng.integers(newest - DORMANT_QUIET_DAYS, newest - 30, lapsing.sum())

    new = lifecycle == code["new"]
    first[new] = rng.integers(newest - 85, newest - 2, new.sum())
    created[new] = first[new] - rng.integers(0, 120, new.sum())

    prospect = lifecycle == code["prospect"]
    first[prospect] = NEVER
    last[prospect] = NEVER
    created[prospect] = rng.integers(start - 3 * 365, newest - 7, prospect.sum())
    return first, last, created


def _customer_names(rng: np.random.Generator, region: np.ndarray, industry: np.ndarray
                    ) -> np.ndarray:
    """Readable, unique account names such as "Ningbo Power Supply Bureau" or "… Co. 2"."""
    names = []
    seen: dict[str, int] = {}
    picks = rng.random((len(region), 4))
    for r, i, (u_template, u_city, u_word, u_n) in zip(region, industry, picks):
        templates = CUSTOMER_NAME_TEMPLATES[INDUSTRY_IDS[i]]
        cities = REGIONS[r][5]
        name = templates[int(u_template * len(templates))].format(
            city=cities[int(u_city * len(cities))],
            word=COMPANY_WORDS[int(u_word * len(COMPANY_WORDS))],
            n=1 + int(u_n * 40))
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    # A suffixed name can collide with an original one; make every name unique regardless.
    unique, counts = np.unique(np.array(names, dtype=object), return_counts=True)
    clashes = set(unique[counts > 1])
    if clashes:
        names = [f"{name} ({k})" if name in clashes else name for k, name in enumerate(names)]
    return np.array(names, dtype=object)


# -------------------------------------------------------------------------------- opportunities

@dataclass
class Opportunities:
    """Each deal's life as dated events; its state on any day is a function of those dates.

    A deal moves up the stages along `stage_entered`; some step back one stage once while worked
    (re-entering stage `regressed_stage` on `regressed_on`) and most of those win the stage back
    (re-entering it on `recovered_on`) before they move on.
    """

    customer: np.ndarray  # the deal's rep is the account's owner on the day
    line: np.ndarray  # index into PRODUCT_LINES
    name: np.ndarray
    source: np.ndarray
    created: np.ndarray
    stage_entered: np.ndarray  # (n, 5) day each stage was first entered, NEVER when not reached
    regressed_stage: np.ndarray  # the stage stepped back to (1–3), 0 when the deal never does
    regressed_on: np.ndarray  # NEVER when the deal never steps back
    recovered_on: np.ndarray  # re-enters regressed_stage + 1; NEVER when it does not
    lost_on: np.ndarray
    stalled_on: np.ndarray  # the rep stops working the deal (it stays open), NEVER otherwise
    removed_on: np.ndarray  # deleted from the CRM
    close_plan_revised_on: np.ndarray  # (n, CLOSE_DATE_REVISIONS) ascending, NEVER padded
    close_plan: np.ndarray  # (n, CLOSE_DATE_REVISIONS + 1) expected close date after each revision
    amount_first: np.ndarray
    amount_later: np.ndarray
    amount_changed_on: np.ndarray
    expected_margin_pct: np.ndarray

    def take(self, index: np.ndarray) -> Opportunities:
        return Opportunities(*(getattr(self, f)[index] for f in Opportunities.__dataclass_fields__))

    @property
    def won_on(self) -> np.ndarray:
        return self.stage_entered[:, 4]

    @property
    def closed_on(self) -> np.ndarray:
        return np.minimum(self.won_on, self.lost_on)

    @property
    def worked_until(self) -> np.ndarray:
        """Last day the rep works the deal: its close, the day it stalls, or its removal."""
        return np.minimum(np.minimum(self.closed_on, self.stalled_on), self.removed_on)

    def stage_on(self, index: np.ndarray, day: int) -> np.ndarray:
        """The stage of deals `index` on `day`: the one they entered last (1 before creation)."""
        forward = (self.stage_entered[index] <= day).sum(axis=1)
        stepped_back = (self.regressed_on[index] <= day) & (self.recovered_on[index] > day)
        return forward - stepped_back

    def stage_entries(self, present: np.ndarray, day: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(deal, stage, day) of every stage entry of the `present` deals up to `day`, ordered by
        deal and day (each deal's entries fall on distinct days)."""
        forward, step = np.nonzero((self.stage_entered <= day) & present[:, None])
        back = np.flatnonzero(present & (self.regressed_on <= day))
        again = np.flatnonzero(present & (self.recovered_on <= day))
        deal = np.concatenate([forward, back, again])
        stage = np.concatenate([step + 1, self.regressed_stage[back],
                                self.regressed_stage[again] + 1])
        entered = np.concatenate([self.stage_entered[forward, step], self.regressed_on[back],
                                  self.recovered_on[again]])
        order = np.lexsort((entered, deal))
        return deal[order], stage[order], entered[order]


def build_opportunities(rng: np.random.Generator, customers: Customers, start: int, newest: int,
                        orders: int) -> Opportunities:
    """Deals created since shortly before the history start, each with a planned path.

    Deals are simulated over the whole history so won-deal revenue is a steady part of the
    business (most of it); crm_deals() picks those in the CRM. Deals are created with the
    demand's growth, and each region's extra growth, for accounts ∝ size **
    OPPORTUNITY_ACCOUNT_POWER × REGION_PIPELINE, as many as the accounts `orders` lines make
    (not more where MIN_CUSTOMERS adds accounts, so won deals stay ~60% of revenue). Sorted by
    creation day.
    """
    code = LIFECYCLE_CODES
    first_day = start - DEAL_LEAD_DAYS
    growth = np.log(1 + DEMAND_GROWTH_PER_YEAR) / 365.25
    span = newest - first_day
    accounts = min(len(customers.size), orders / ORDER_LINES_PER_CUSTOMER)
    wanted = int(round(OPPORTUNITIES_PER_CUSTOMER_YEAR * accounts * span / 365.25))
    candidates = int(wanted * 1.5) + 16
    created = first_day + np.floor(np.log1p(rng.random(candidates) * np.expm1(growth * span))
                                   / growth).astype(np.int64)
    buying = np.flatnonzero(customers.lifecycle == code["regular"])
    region_pipeline = np.array([REGION_PIPELINE.get(r, 1.0) for r in REGION_IDS])
    weight = (customers.size[buying] ** OPPORTUNITY_ACCOUNT_POWER
              * region_pipeline[customers.region[buying]])
    customer = buying[rng.choice(len(buying), size=candidates, p=weight / weight.sum())]
    # Thin the candidates so each region's deals grow with its extra growth, relative to the
    # average over the deals (so the nation's grow with demand).
    region_growth = 1 + np.array([REGION_EXTRA_GROWTH.get(r, 0.0) for r in REGION_IDS])
    region_growth /= region_growth[customers.region[customer]].mean()
    keep = (region_growth[customers.region[customer]] ** ((created - first_day) / 365.25)
            / region_growth.max() ** (span / 365.25))
    kept = np.flatnonzero(rng.random(candidates) < keep)[:wanted]
    # Since the CRM went live reps also log deals with prospects, on top of those with buying
    # accounts (never won here): PROSPECT_DEAL_SHARE more, from the candidates not kept.
    prospects = np.flatnonzero((customers.lifecycle == code["prospect"])
                               & (customers.created < newest - 60))
    in_crm_era = created > newest - CRM_HISTORY_DAYS
    spare = np.setdiff1d(np.flatnonzero(in_crm_era), kept)
    extra = spare[:int(round(PROSPECT_DEAL_SHARE * in_crm_era[kept].sum())) if len(prospects)
                  else 0]
    created, customer = np.r_[created[kept], created[extra]], np.r_[customer[kept], customer[extra]]
    n = len(created)
    from_prospect = np.arange(n) >= len(kept)
    if len(extra):
        prospect_weight = region_pipeline[customers.region[prospects]]
        customer[from_prospect] = prospects[rng.choice(len(prospects), len(extra),
                                                       p=prospect_weight / prospect_weight.sum())]
    created = np.minimum(np.maximum(created, customers.created[customer] + 7), newest)

    industry = customers.industry[customer]
    line_mix = np.array([PRODUCT_LINE_MIX[i] for i in INDUSTRY_IDS])
    line = _choose_rows(rng, line_mix, industry)

    # Outcomes (won, lost, stalled) and the spread of amounts from low-discrepancy sequences over
    # each region's deals in creation order: a region wins close to its share of deals, of
    # sizes spread as they should be, every quarter, so its revenue is not swung by a run of
    # lucky or unlucky quarters.
    by_region = np.lexsort((created, customers.region[customer]))
    sequence = np.empty(n)
    sequence[by_region] = (rng.random() + np.arange(n) * GOLDEN_RATIO_CONJUGATE) % 1.0
    outcome = np.searchsorted(np.cumsum(list(OPPORTUNITY_OUTCOMES.values()))[:-1], sequence,
                              side="right")
    outcome[from_prospect & (outcome == 0)] = 1  # a prospect's first deal is not won here
    top_stage = np.where(outcome == 0, 5, 1 + np.where(
        outcome == 1, rng.choice(4, size=n, p=LOST_AT_STAGE),
        rng.choice(4, size=n, p=STALLED_AT_STAGE)))
    step_days = 1 + np.floor(rng.gamma(2.0, 11.0, (n, 4))).astype(np.int64)
    stage_entered = created[:, None] + np.concatenate(
        [np.zeros((n, 1), np.int64), np.cumsum(step_days, axis=1)], axis=1)
    due = stage_entered[:, 4].copy()  # the day the deal would be won: what the rep plans for
    stage_entered[np.arange(5)[None, :] >= top_stage[:, None]] = NEVER
    reached = stage_entered[np.arange(n), top_stage - 1]
    lost_after = 1 + np.floor(rng.gamma(2.0, 15.0, n)).astype(np.int64)
    lost_on = np.where(outcome == 1, reached + lost_after, NEVER)
    stalled_on = np.where(outcome == 2, reached + rng.integers(0, 21, n), NEVER)
    cleaned_up = (outcome == 2) & (rng.random(n) < STALLED_CLEANED_UP)
    lost_on = np.where(cleaned_up, stalled_on + rng.integers(*STALLED_CLEANUP_DAYS, n), lost_on)

    removed = (outcome != 0) & (rng.random(n) < REMOVED_SHARE)
    open_until = np.minimum(np.minimum(lost_on, stalled_on + 120), newest + 60)
    removed_on = np.where(removed, created + 7 + np.floor(
        rng.random(n) * np.maximum(1, open_until - created - 7)).astype(np.int64), NEVER)

    spread = np.sort(rng.lognormal(0.0, OPPORTUNITY_AMOUNT_SIGMA, n) * np.where(
        rng.random(n) < STRATEGIC_DEAL_SHARE,
        rng.lognormal(np.log(STRATEGIC_DEAL_FACTOR[0]), STRATEGIC_DEAL_FACTOR[1], n), 1.0))
    quantile = np.empty(n, np.int64)
    quantile[by_region] = ((rng.random() + np.arange(n) * SILVER_RATIO_CONJUGATE) % 1.0 * n
                           ).astype(np.int64)
    size = np.where(customers.size[customer] > 0, customers.size[customer], 1.0)  # prospects: 1
    amount = (OPPORTUNITY_AMOUNT_MEDIAN
              * np.array([OPPORTUNITY_AMOUNT_BY_LINE[pl] for pl in PRODUCT_LINES])[line]
              * size ** OPPORTUNITY_AMOUNT_SIZE_POWER * spread[quantile])
    amount = np.round(np.clip(amount, *OPPORTUNITY_AMOUNT_RANGE), -3)
    opp = Opportunities(
        customer=customer, line=line,
        name=_deal_names(rng, customers, customer, line, created),
        source=rng.choice(np.array(OPPORTUNITY_SOURCES, dtype=object), n,
                          p=OPPORTUNITY_SOURCE_MIX),
        created=created, stage_entered=stage_entered, regressed_stage=np.zeros(n, np.int64),
        regressed_on=np.full(n, NEVER), recovered_on=np.full(n, NEVER), lost_on=lost_on,
        stalled_on=stalled_on, removed_on=removed_on, close_plan_revised_on=np.empty(0),
        close_plan=np.empty(0), amount_first=amount, amount_later=amount.copy(),
        amount_changed_on=np.full(n, NEVER), expected_margin_pct=_expected_margins(rng, line))
    _plan_regressions(rng, opp)
    _plan_close_dates(rng, opp, due)
    _change_some_amounts(rng, opp, newest)
    return opp.take(np.lexsort((np.arange(n), opp.created)))  # ids follow creation order


def _deal_names(rng: np.random.Generator, customers: Customers, customer: np.ndarray,
                line: np.ndarray, created: np.ndarray) -> np.ndarray:
    """"<account> - <purpose> FY26" (the fiscal year the deal was opened in)."""
    picks = rng.random(len(customer))
    names = []
    for c, pl, day, u in zip(customer, line, created, picks):
        purposes = DEAL_PURPOSES[PRODUCT_LINES[pl]]
        fy = fiscal_year_start(EPOCH + dt.timedelta(days=int(day))).year % 100
        names.append(f"{customers.name[c]} - {purposes[int(u * len(purposes))]} FY{fy:02d}")
    return np.array(names, dtype=object)


def _expected_margins(rng: np.random.Generator, line: np.ndarray) -> np.ndarray:
    """Margin the rep expects; about one deal in eight is priced below its product line's floor."""
    base = np.array([EXPECTED_MARGIN_PCT[pl] for pl in PRODUCT_LINES])[line]
    floor = np.array([MARGIN_FLOOR[pl] for pl in PRODUCT_LINES])[line]
    margin = base + rng.normal(0.0, 0.025, len(line))
    below = rng.random(len(line)) < 0.12
    margin[below] = floor[below] - rng.uniform(0.01, 0.05, below.sum())
    return np.round(np.clip(margin, 0.02, 0.6), 3)


def _plan_regressions(rng: np.random.Generator, opp: Opportunities) -> None:
    """REGRESSION_SHARE of the deals step back from a stage k (2–4) they reached to k − 1 while
    worked (the customer reopens the requirements, a competitor re-enters); a deal that goes on to
    stage k + 1 wins stage k back first, one that ends at stage k does so REGRESSION_RECOVERED of
    the time. Stage 5 (won) is final."""
    n = len(opp.created)
    rows = np.arange(n)
    highest = np.minimum((opp.stage_entered < NEVER).sum(axis=1), 4)
    k = 2 + np.floor(rng.random(n) * np.maximum(highest - 1, 1)).astype(np.int64)  # 2 … highest
    since = opp.stage_entered[rows, k - 1]
    next_entry = opp.stage_entered[rows, k]
    until = np.minimum(next_entry, opp.worked_until)
    regress = (highest >= 2) & (until - since >= 6) & (rng.random(n) < REGRESSION_SHARE)
    regressed_on = since + 2 + np.floor(rng.random(n) * np.maximum(until - since - 4, 1)
                                        ).astype(np.int64)
    recovered_on = regressed_on + 1 + np.floor(
        rng.random(n) * np.maximum(until - regressed_on - 1, 1)).astype(np.int64)
    recover = regress & ((next_entry < NEVER) | (rng.random(n) < REGRESSION_RECOVERED))
    opp.regressed_stage = np.where(regress, k - 1, 0)
    opp.regressed_on = np.where(regress, regressed_on, NEVER)
    opp.recovered_on = np.where(recover, recovered_on, NEVER)


def _plan_close_dates(rng: np.random.Generator, opp: Opportunities, due: np.ndarray) -> None:
    """The expected close the rep enters when the deal is created and at each dated revision.

    Each estimate is the time left until `due` (the day the deal would be won on its planned path)
    × a lognormal factor, at least a week out, often moved to a month end or the quarter end. So
    dates slip and get pulled in as the deal goes, and converge on the real close. Revisions happen
    only while the deal is worked, so a stalled deal keeps a date that passes (past due).
    """
    n, k = len(opp.created), CLOSE_DATE_REVISIONS
    revised_on = opp.created[:, None] + np.cumsum(5 + np.floor(rng.exponential(
        DAYS_BETWEEN_CLOSE_REVISIONS - 5, (n, k))), axis=1).astype(np.int64)
    revised_on[revised_on >= opp.worked_until[:, None]] = NEVER
    decided = np.minimum(np.c_[opp.created, revised_on], NEVER // 2)
    remaining = np.maximum(due[:, None] - decided, 0)
    estimate = decided + np.maximum(7, np.round(remaining * CLOSE_ESTIMATE_BIAS * rng.lognormal(
        0.0, CLOSE_ESTIMATE_SIGMA, (n, k + 1)))).astype(np.int64)
    stage = (opp.stage_entered[:, None, :] <= decided[:, :, None]).sum(axis=2)
    estimate = _round_close_dates(rng, estimate, decided + 7, stage >= 3)
    plan = np.empty((n, k + 1), np.int64)
    plan[:, 0] = estimate[:, 0]
    for j in range(k):
        plan[:, j + 1] = np.where(revised_on[:, j] == NEVER, plan[:, j], estimate[:, j + 1])
    opp.close_plan_revised_on = revised_on
    opp.close_plan = plan


def _round_close_dates(rng: np.random.Generator, days: np.ndarray, earliest: np.ndarray,
                       committed: np.ndarray) -> np.ndarray:
    """Reps date deals on quarter and month ends: CLOSE_ON_QUARTER_END of the dates move to the
    fiscal quarter end when it is at most a month later; CLOSE_PULLED_INTO_QUARTER of the
    `committed` deals' dates back to the quarter end at most a month earlier (not before
    `earliest`); CLOSE_ON_MONTH_END of the rest to the month end."""
    months = days.astype("datetime64[D]").astype("datetime64[M]")
    month_end = _month_end(days)
    quarter_start = months - months.astype(np.int64) % 3  # quarters start Jan/Apr/Jul/Oct
    quarter_end = (quarter_start + 3).astype("datetime64[D]").astype(np.int64) - 1
    previous_quarter_end = quarter_start.astype("datetime64[D]").astype(np.int64) - 1
    u = rng.random(days.shape)
    to_quarter_end = (u < CLOSE_ON_QUARTER_END) & (quarter_end - days <= 31)
    into_quarter = (committed & (u < CLOSE_PULLED_INTO_QUARTER)
                    & (days - previous_quarter_end <= 31) & (previous_quarter_end >= earliest))
    to_month_end = ~to_quarter_end & ~into_quarter & (u >= 1 - CLOSE_ON_MONTH_END)
    return np.select([to_quarter_end, into_quarter, to_month_end],
                     [quarter_end, previous_quarter_end, month_end], days)


def _change_some_amounts(rng: np.random.Generator, opp: Opportunities, newest: int) -> None:
    """A few deals are re-sized while open (scope cut or extended)."""
    n = len(opp.created)
    life_end = np.minimum(opp.worked_until, newest + 60)
    changed_on = opp.created + 5 + np.floor(rng.random(n) * np.maximum(
        1, life_end - opp.created - 5)).astype(np.int64)
    changed = (rng.random(n) < AMOUNT_CHANGED_SHARE) & (changed_on < life_end)
    opp.amount_changed_on = np.where(changed, changed_on, NEVER)
    opp.amount_later = np.where(changed, np.round(np.clip(
        opp.amount_first * rng.uniform(0.6, 1.5, n), *OPPORTUNITY_AMOUNT_RANGE), -3),
        opp.amount_first)


# --------------------------------------------------------------------------------------- orders

@dataclass
class OrderLines:
    """Order lines as arrays; lines of one order share `order` (a key, not yet the order_id)."""

    order: np.ndarray
    order_date: np.ndarray
    customer: np.ndarray
    rep: np.ndarray
    product: np.ndarray
    partner: np.ndarray
    quantity: np.ndarray
    discount_pct: np.ndarray
    special_price: np.ndarray
    cost_factor: np.ndarray  # actual cost ÷ standard cost
    opportunity: np.ndarray  # index, -1 for none
    revenue: np.ndarray | None = None
    cost: np.ndarray | None = None

    @staticmethod
    def concat(parts: list[OrderLines]) -> OrderLines:
        """One set of lines from several; revenue and cost only if every part is priced."""
        fields = [f for f in OrderLines.__dataclass_fields__
                  if all(getattr(p, f) is not None for p in parts)]
        return OrderLines(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})

    def take(self, index: np.ndarray) -> OrderLines:
        return OrderLines(*(None if getattr(self, f) is None else getattr(self, f)[index]
                            for f in OrderLines.__dataclass_fields__))


def daily_demand(first_day: int, last_day: int) -> np.ndarray:
    """Relative order volume for each day: growth, weekdays, months, quarter ends, holidays."""
    days = np.arange(first_day, last_day + 1)
    dates = days.astype("datetime64[D]")
    months = dates.astype("datetime64[M]")
    month = months.astype(np.int64) % 12  # 0 = January
    day_of_month = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    days_to_month_end = _month_end(days) - days
    weight = (1 + DEMAND_GROWTH_PER_YEAR) ** ((days - first_day) / 365.25)
    weight = weight * MONTH_FACTOR[month] * WEEKDAY_FACTOR[(days + 3) % 7]
    quarter_end = np.isin(month, (2, 5, 8, 11)) & (days_to_month_end < 10)  # Mar, Jun, Sep, Dec
    weight *= np.where(quarter_end, QUARTER_END_PUSH, 1)
    weight *= np.where((month == 9) & (day_of_month <= 7), GOLDEN_WEEK_FACTOR, 1)
    for new_year in CHINESE_NEW_YEAR:
        offset = days - day_number(dt.date.fromisoformat(new_year))
        weight *= np.select([(offset >= -7) & (offset < 0), (offset >= 0) & (offset <= 8),
                             (offset > 8) & (offset <= 18)], [0.6, 0.1, 0.6], 1.0)
    return weight


@dataclass
class DemandCalendar:
    """Cumulative daily demand and the calendar months from the history start to the plan end."""

    first_day: int
    last_day: int
    cumulative: np.ndarray  # cumulative[d - first_day] = demand of the days before day d
    month_first: np.ndarray  # first day of each calendar month (the first may start mid-month)
    month_last: np.ndarray
    month_label: np.ndarray  # "YYYY-MM"

    @staticmethod
    def build(first_day: int, last_day: int) -> DemandCalendar:
        days = np.arange(first_day, last_day + 1)
        month = days.astype("datetime64[D]").astype("datetime64[M]")
        starts = np.r_[True, month[1:] != month[:-1]]
        month_first = days[starts]
        month_last = np.r_[month_first[1:] - 1, last_day]
        return DemandCalendar(first_day, last_day,
                              np.concatenate([[0.0], np.cumsum(daily_demand(first_day, last_day))]),
                              month_first, month_last,
                              np.array([str(m) for m in month[starts]], dtype=object))

    def mass(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Demand of the days first … last (inclusive); zero where the span is empty."""
        lo = np.clip(first, self.first_day, self.last_day + 1) - self.first_day
        hi = np.clip(last, self.first_day - 1, self.last_day) - self.first_day + 1
        return np.where(hi > lo, self.cumulative[np.maximum(hi, 0)] - self.cumulative[lo], 0.0)

    def draw_days(self, rng: np.random.Generator, first: np.ndarray, last: np.ndarray
                  ) -> np.ndarray:
        """One day in each non-empty span first … last, with probability ∝ that day's demand."""
        lo = self.cumulative[first - self.first_day]
        hi = self.cumulative[last - self.first_day + 1]
        day = np.searchsorted(self.cumulative, lo + rng.random(len(first)) * (hi - lo),
                              side="right") - 1 + self.first_day
        return np.clip(day, first, last)


def expected_order_volume(customers: Customers, calendar: DemandCalendar, newest: int,
                          buying_until: int) -> np.ndarray:
    """Customers × months: size × demand while the customer buys (relative order volume).

    Customers still buying on `newest` are assumed to keep buying until `buying_until`.
    """
    first = customers.first_order
    last = np.where(customers.last_order >= newest, buying_until, customers.last_order)
    span_first = np.maximum(first[:, None], calendar.month_first[None, :])
    span_last = np.minimum(last[:, None], calendar.month_last[None, :])
    years = (calendar.month_first - calendar.first_day) / 365.25
    region_growth = np.array([REGION_EXTRA_GROWTH.get(r, 0.0) for r in REGION_IDS])
    region_trend = (1 + region_growth[:, None]) ** years[None, :]
    return (customers.size[:, None] * region_trend[customers.region]
            * calendar.mass(span_first, span_last))


def _systematic_counts(rng: np.random.Generator, weight: np.ndarray, total: int) -> np.ndarray:
    """Exactly `total` draws over the cells of `weight`, each cell getting floor or ceil of its
    expected count (so a region's monthly order count is close to plan, not Poisson-noisy)."""
    cumulative = np.cumsum(weight.ravel()) / weight.sum() * total
    return np.searchsorted(cumulative, rng.random() + np.arange(total), side="right")


def regular_order_lines(rng: np.random.Generator, n_lines: int, customers: Customers, reps: Reps,
                        products: Products, calendar: DemandCalendar, newest: int) -> OrderLines:
    """The run-rate business: orders over customers × months ∝ size × demand in their window."""
    enough_orders = int(n_lines / LINES_PER_ORDER * 1.3) + 16
    lines_per_order = 1 + rng.poisson(LINES_PER_ORDER - 1, enough_orders)
    total = np.cumsum(lines_per_order)
    n_orders = int(np.searchsorted(total, n_lines)) + 1
    lines_per_order = lines_per_order[:n_orders]
    lines_per_order[-1] -= total[n_orders - 1] - n_lines

    volume = expected_order_volume(customers, calendar, newest, newest)
    cell = _systematic_counts(rng, volume, n_orders)
    cell = _give_every_new_customer_an_order(cell, volume, customers)
    customer, month = np.divmod(cell, volume.shape[1])
    first = np.maximum(customers.first_order[customer], calendar.month_first[month])
    last = np.minimum(np.minimum(customers.last_order[customer], newest),
                      calendar.month_last[month])
    order_date = calendar.draw_days(rng, first, last)
    partner = rng.random(n_orders) < customers.partner_share[customer]

    order = np.repeat(np.arange(n_orders), lines_per_order)
    customer, order_date, partner = customer[order], order_date[order], partner[order]
    line_mix = np.array([PRODUCT_LINE_MIX[i] for i in INDUSTRY_IDS])
    line = _choose_rows(rng, line_mix, customers.industry[customer])
    run_rate = products.list_price < DEAL_ONLY_LIST_PRICE
    product = _choose_within_groups(rng, products.line, products.popularity * run_rate, line)
    n = len(order)
    list_price = products.list_price[product]
    # Key accounts buy more units of volume products; big-ticket items come one or two at a time.
    volume_product = list_price < 20_000
    scale = RUN_RATE_QUANTITY * np.where(customers.owned_by_ae[customer] & volume_product, 1.5,
                                         1.0)
    sigma = np.where(volume_product, 0.8, 0.4)
    quantity = np.maximum(1, np.round(products.typical_quantity[product] * scale
                                      * rng.lognormal(-sigma**2 / 2, sigma))).astype(np.int64)
    mean = products.discount_mean[product]
    discount = rng.beta(mean * DISCOUNT_CONCENTRATION, (1 - mean) * DISCOUNT_CONCENTRATION)
    return OrderLines(order, order_date, customer, customers.booked_rep(customer, order_date, reps),
                      product, partner, quantity, discount, rng.random(n) < SPECIAL_PRICE_SHARE,
                      rng.lognormal(0.0, 0.015, n), np.full(n, -1))


def _give_every_new_customer_an_order(cell: np.ndarray, volume: np.ndarray,
                                      customers: Customers) -> np.ndarray:
    """A newly activated account has, by definition, ordered: take orders from the busiest cells."""
    n_months = volume.shape[1]
    ordered = np.bincount(cell // n_months, minlength=volume.shape[0]) > 0
    new = np.flatnonzero((customers.lifecycle == LIFECYCLE_CODES["new"]) & ~ordered)
    if len(new) == 0:
        return cell
    orders_in_same_cell = np.bincount(cell)[cell]
    taken = np.argsort(-orders_in_same_cell, kind="stable")[:len(new)]
    cell = cell.copy()
    cell[taken] = new * n_months + volume[new].argmax(axis=1)
    return np.sort(cell)


def won_deal_lines(rng: np.random.Generator, opp: Opportunities, customers: Customers,
                   reps: Reps, products: Products, calendar: DemandCalendar, newest: int
                   ) -> OrderLines:
    """Each won deal is booked as orders of 1–6 lines in all, the first within about three weeks
    of its close; a big deal is delivered in tranches (one order each, 20–45 days apart). Orders
    are booked on the days orders come in (business days, rarely a weekend or holiday).

    Lines split the deal amount over products priced within the line's share of it; the discount
    is the one that yields the deal's expected margin.
    """
    start = calendar.first_day
    won = np.flatnonzero(opp.won_on <= newest)
    deal_amount = np.where(opp.amount_changed_on[won] <= opp.won_on[won], opp.amount_later[won],
                           opp.amount_first[won])
    tranches = np.clip(np.ceil(deal_amount / DELIVERY_TRANCHE), 1, MAX_TRANCHES).astype(np.int64)
    k = np.maximum(tranches, np.minimum(6, 1 + rng.poisson(1.2, len(won))))
    position = np.repeat(np.arange(len(won)), k)  # the line's deal, as a position in `won`
    line_in_deal = np.arange(len(position)) - np.repeat(np.cumsum(k) - k, k)
    tranche = line_in_deal % tranches[position]
    delivery_week = opp.won_on[won][:, None] + np.cumsum(np.c_[
        rng.integers(0, 16, len(won)), rng.integers(20, 40, (len(won), MAX_TRANCHES - 1))], axis=1)
    in_history = (delivery_week >= start) & (delivery_week <= newest)
    # Drawn over the whole week even past newest (only those up to newest are kept): cutting the
    # week at newest would crowd the last week's deliveries into its last days.
    weeks = DemandCalendar.build(start, newest + 7)
    delivered_on = np.full(delivery_week.shape, NEVER)
    delivered_on[in_history] = weeks.draw_days(rng, delivery_week[in_history],
                                               delivery_week[in_history] + 6)
    booked_on = delivered_on[position, tranche]
    share = rng.gamma(1.0, 1.0, len(position))
    share /= np.bincount(position, share)[position]
    keep = booked_on <= newest
    position, tranche, booked_on = position[keep], tranche[keep], booked_on[keep]
    share = share[keep]
    deal = won[position]
    n = len(deal)
    order = position * MAX_TRANCHES + tranche
    amount = deal_amount[position] * share
    product = _products_within(rng, products, opp.line[deal], amount)
    cost_ratio = products.standard_cost[product] / products.list_price[product]
    discount = np.clip(1 - cost_ratio / (1 - opp.expected_margin_pct[deal]), 0.0, 0.4)
    unit_price = products.list_price[product] * (1 - discount)
    quantity = np.maximum(1, np.round(amount / unit_price)).astype(np.int64)
    customer = opp.customer[deal]
    partner = np.where(opp.source[deal] == "partner", True,
                       rng.random(n) < customers.partner_share[customer])
    return OrderLines(order, booked_on, customer, customers.booked_rep(customer, booked_on, reps),
                      product, partner, quantity, discount,
                      rng.random(n) < WON_DEAL_SPECIAL_PRICE_SHARE, rng.lognormal(0.0, 0.015, n),
                      deal)


def _products_within(rng: np.random.Generator, products: Products, line: np.ndarray,
                     amount: np.ndarray, tries: int = 4) -> np.ndarray:
    """A product of each line ∝ popularity whose list price fits the amount (re-drawn a few
    times, else the line's cheapest), so a ¥60k deal is not booked as one ¥480k server."""
    product = _choose_within_groups(rng, products.line, products.popularity, line)
    for _ in range(tries):
        too_dear = np.flatnonzero(products.list_price[product] > amount)
        if len(too_dear) == 0:
            return product
        product[too_dear] = _choose_within_groups(rng, products.line, products.popularity,
                                                  line[too_dear])
    cheapest = np.array([np.flatnonzero(products.line == pl)[
        np.argmin(products.list_price[products.line == pl])] for pl in range(len(PRODUCT_LINES))])
    too_dear = products.list_price[product] > amount
    product[too_dear] = cheapest[line[too_dear]]
    return product


def apply_regional_story(rng: np.random.Generator, lines: OrderLines, customers: Customers,
                         products: Products, newest: int) -> None:
    """SC leans on special-price orders; special prices cut margin; SD discounts deeper lately.

    SC's special-price lines are drawn by value (lines in random order until they make up the
    share of the value at list price), so a few big deal lines cannot swing its share.
    """
    region = customers.region[lines.customer]
    sc = region == REGION_IDS.index(SPECIAL_PRICE_REGION)
    value = lines.quantity * products.list_price[lines.product]
    recent = lines.order_date > newest - 365
    for period, share in ((recent, SPECIAL_PRICE_REGION_SHARE),
                          (~recent, SPECIAL_PRICE_REGION_SHARE_BEFORE)):
        chosen = np.flatnonzero(sc & period)
        chosen = chosen[rng.permutation(len(chosen))]
        value_before = np.cumsum(value[chosen]) - value[chosen] / 2
        lines.special_price[chosen] = value_before < share * value[chosen].sum()

    extra = rng.uniform(*SPECIAL_PRICE_EXTRA_DISCOUNT, len(sc)) * lines.special_price
    lines.discount_pct = lines.discount_pct + extra
    lines.cost_factor = lines.cost_factor * (1 - extra * rng.uniform(*SPECIAL_PRICE_COST_SUPPORT,
                                                                     len(sc)))

    eroding_lines = [PRODUCT_LINES.index(pl) for pl in MARGIN_EROSION_LINES]
    eroding = ((region == REGION_IDS.index(MARGIN_EROSION_REGION))
               & (lines.order_date > newest - MARGIN_EROSION_DAYS)
               & np.isin(products.line[lines.product], eroding_lines))
    lines.discount_pct = lines.discount_pct + eroding * rng.uniform(
        *MARGIN_EROSION_EXTRA_DISCOUNT, len(sc))
    lines.discount_pct = np.round(np.clip(lines.discount_pct, 0.0, 0.45), 4)


def apply_market_order_story(rng: np.random.Generator, lines: OrderLines, customers: Customers,
                             reps: Reps, not_pursued: np.ndarray) -> None:
    """Every month MARKET_ORDER_REGIONS book a few suspect run-rate lines of each kind (SPEC
    §10.5), each kind on lines of its own: MARKET_ORDER_SHARE of the region's run-rate lines that
    month, at least MARKET_ORDER_MIN_LINES.

    A special price without an opportunity; a partner line discounted by PARTNER_DEEP_DISCOUNT
    (partner lines first); a special price to an account not pursued (`not_pursued`): lines of
    such accounts first, else (ISR accounts' lines before key accounts') a line re-booked to a
    buying one of the region.
    """
    region = customers.region[lines.customer]
    story = np.flatnonzero(np.isin(region, [REGION_IDS.index(r) for r in MARKET_ORDER_REGIONS])
                           & (lines.opportunity < 0))
    month = lines.order_date[story].astype("datetime64[D]").astype("datetime64[M]")
    _, group = np.unique(region[story] * 100_000 + month.astype(np.int64), return_inverse=True)
    wanted = np.maximum(MARKET_ORDER_MIN_LINES, np.round(MARKET_ORDER_SHARE * np.bincount(group)))
    free = np.ones(len(story), bool)

    def pick(candidate: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """Up to `wanted` free candidates of each region-month, lowest `rank` first."""
        index = np.flatnonzero(candidate & free)
        order = index[np.lexsort((rng.random(len(index)) + rank[index], group[index]))]
        chosen = order[_rank_within(group[order]) < wanted[group[order]]]
        free[chosen] = False
        return story[chosen]

    customer = lines.customer[story]
    everyone = np.ones(len(story), bool)
    _price_specially(rng, lines, pick(~lines.special_price[story], np.zeros(len(story))))

    deep = pick(everyone, ~lines.partner[story])
    lines.partner[deep] = True
    lines.discount_pct[deep] = np.maximum(lines.discount_pct[deep], np.round(
        rng.uniform(*PARTNER_DEEP_DISCOUNT, len(deep)), 4))

    buying = (customers.lifecycle == LIFECYCLE_CODES["regular"]) & ~customers.owned_by_ae
    # Not the only order of a newly activated account.
    donor = customers.lifecycle[customer] != LIFECYCLE_CODES["new"]
    rebooked = pick(donor, np.select([not_pursued[customer], ~customers.owned_by_ae[customer]],
                                     [0, 1], 2))
    for r in np.unique(region[rebooked]):
        pool = np.flatnonzero(not_pursued & buying & (customers.region == r))
        move = rebooked[(region[rebooked] == r) & ~not_pursued[lines.customer[rebooked]]]
        if len(pool) and len(move):
            lines.customer[move] = pool[rng.integers(len(pool), size=len(move))]
            lines.rep[move] = customers.booked_rep(lines.customer[move], lines.order_date[move],
                                                   reps)
    _price_specially(rng, lines, rebooked[not_pursued[lines.customer[rebooked]]])


def _price_specially(rng: np.random.Generator, lines: OrderLines, index: np.ndarray) -> None:
    """Sell lines `index` at a special price: a deeper discount, partly refunded on cost."""
    extra = rng.uniform(*SPECIAL_PRICE_EXTRA_DISCOUNT, len(index))
    lines.special_price[index] = True
    lines.discount_pct[index] = np.round(np.clip(lines.discount_pct[index] + extra, 0.0, 0.45), 4)
    lines.cost_factor[index] *= 1 - extra * rng.uniform(*SPECIAL_PRICE_COST_SUPPORT, len(index))


def price_lines(lines: OrderLines, products: Products) -> None:
    """revenue = quantity × list price × (1 − discount); cost = quantity × standard cost × factor.
    """
    list_price = products.list_price[lines.product]
    standard_cost = products.standard_cost[lines.product]
    lines.revenue = _money(lines.quantity * list_price * (1 - lines.discount_pct))
    lines.cost = _money(lines.quantity * standard_cost * lines.cost_factor)


def return_lines(rng: np.random.Generator, lines: OrderLines, n_returns: int, newest: int
                 ) -> OrderLines:
    """Returns: part of an earlier line sent back 3–60 days later, as its own one-line order.

    Days get returns in proportion to their order lines, allocated weekday by weekday (each
    weekday gets the floor or ceiling of its expected count, spread evenly over its days), so
    returns follow the weekday pattern of ordinary orders and are ~RETURN_SHARE of the lines of
    every weekday; the line sent back is one ordered 3–60 days before, each at most once.
    """
    by_date = np.argsort(lines.order_date, kind="stable")
    dates = lines.order_date[by_date]
    days = np.arange(dates[0], newest + 1)
    window_lo = np.searchsorted(dates, days - 60, side="left")
    window_hi = np.searchsorted(dates, days - 3, side="right")
    lines_per_day = np.bincount(dates - dates[0], minlength=len(days))[:len(days)]
    weight = lines_per_day * (window_hi > window_lo)
    by_weekday = np.lexsort((days, (days + 3) % 7))
    day = by_weekday[_systematic_counts(rng, weight[by_weekday].astype(float), n_returns)]
    lo, size = window_lo[day], window_hi[day] - window_lo[day]
    pick = lo + np.floor(rng.random(n_returns) * size).astype(np.int64)
    for _ in range(20):  # a line is returned at most once
        again = np.ones(n_returns, bool)
        again[np.unique(pick, return_index=True)[1]] = False
        if not again.any():
            break
        pick[again] = lo[again] + np.floor(rng.random(again.sum()) * size[again]).astype(np.int64)
    back = lines.take(by_date[pick])
    back.order_date = days[day]
    returned = np.ceil(rng.uniform(0.05, 1.0, n_returns) * back.quantity).astype(np.int64)
    share = returned / back.quantity
    back.revenue = -_money(back.revenue * share)
    back.cost = -_money(back.cost * share)
    back.quantity = -returned
    back.order = np.arange(n_returns)
    return back


def build_orders(rng: np.random.Generator, n_lines: int, customers: Customers, reps: Reps,
                 products: Products, opp: Opportunities, crm_position: np.ndarray,
                 calendar: DemandCalendar, newest: int, not_pursued: np.ndarray,
                 market_rng: np.random.Generator) -> pa.Table:
    """All order lines up to the newest as_of, numbered chronologically, sorted by order date.

    Lines of won deals carry the deal's opportunity_id when the deal is in the CRM
    (`crm_position` ≥ 0: its position among the CRM's deals, numbered from 1 there). The
    market-order story draws from `market_rng`, so the rest of the history does not depend on it.
    """
    won = won_deal_lines(rng, opp, customers, reps, products, calendar, newest)
    won.opportunity = crm_position[won.opportunity]
    n_returns = int(round(RETURN_SHARE * n_lines))
    n_regular = n_lines - len(won.order) - n_returns
    if n_regular <= 0:
        raise ValueError(f"--orders {n_lines} is too small for the won deals; use more lines")
    regular = regular_order_lines(rng, n_regular, customers, reps, products, calendar, newest)
    won.order = won.order + regular.order.max() + 1
    lines = OrderLines.concat([regular, won])
    apply_regional_story(rng, lines, customers, products, newest)
    apply_market_order_story(market_rng, lines, customers, reps, not_pursued)
    price_lines(lines, products)
    returns = return_lines(rng, lines, n_returns, newest)
    returns.order = returns.order + lines.order.max() + 1
    return _order_table(rng, OrderLines.concat([lines, returns]), customers, reps, products)


def _order_table(rng: np.random.Generator, lines: OrderLines, customers: Customers, reps: Reps,
                 products: Products) -> pa.Table:
    """Number orders chronologically (SO00000001 …), in random order within a day so run-rate
    orders, won deals and returns mix as they come in; number their lines; build the table."""
    n_orders = lines.order.max() + 1
    order_day = np.full(n_orders, NEVER, np.int64)
    order_day[lines.order] = lines.order_date  # the lines of an order share its date
    order_no = np.empty(n_orders, np.int64)
    order_no[np.lexsort((rng.permutation(n_orders), order_day))] = np.arange(1, n_orders + 1)
    line_order_no = order_no[lines.order]
    sort = np.argsort(line_order_no, kind="stable")
    lines = lines.take(sort)
    line_order_no = line_order_no[sort]
    first_of_order = np.r_[True, line_order_no[1:] != line_order_no[:-1]]
    line_no = np.arange(len(sort)) - np.maximum.accumulate(np.where(first_of_order,
                                                                    np.arange(len(sort)), 0)) + 1
    region = customers.region[lines.customer]
    industry = customers.industry[lines.customer]
    product_line = products.line[lines.product]
    has_opp = lines.opportunity >= 0
    return pa.table({
        "order_id": _ids("SO", line_order_no, 8),
        "line_no": pa.array(line_no, pa.int32()),
        "order_date": _dates(lines.order_date),
        "customer_id": customers.customer_id.take(pa.array(lines.customer)),
        "rep_id": pa.array(reps.rep_id, pa.string()).take(pa.array(lines.rep)),
        "region_id": pa.array(REGION_IDS).take(pa.array(region)),
        "industry_id": pa.array(INDUSTRY_IDS).take(pa.array(industry)),
        "product_id": pa.array(products.product_id, pa.string()).take(pa.array(lines.product)),
        "product_line": pa.array(PRODUCT_LINES).take(pa.array(product_line)),
        "channel": pa.array(CHANNELS).take(pa.array(lines.partner.astype(np.int8))),
        "quantity": pa.array(lines.quantity, pa.int32()),
        "revenue": pa.array(lines.revenue),
        "cost": pa.array(lines.cost),
        "discount_pct": pa.array(lines.discount_pct),
        "special_price": pa.array(lines.special_price),
        "opportunity_id": pc.if_else(pa.array(has_opp), _ids("OPP", lines.opportunity + 1, 6),
                                     pa.scalar(None, pa.string())),
    })


# ----------------------------------------------------------------------------------- activities

@dataclass
class Activities:
    """Visits, calls, meetings and workshops, sorted by day once built."""

    day: np.ndarray
    rep: np.ndarray
    customer: np.ndarray
    type: np.ndarray  # index into ACTIVITY_TYPES
    opportunity: np.ndarray  # index, -1 for none

    @staticmethod
    def concat(parts: list[Activities]) -> Activities:
        return Activities(*(np.concatenate([getattr(p, f) for p in parts])
                            for f in Activities.__dataclass_fields__))

    def take(self, index: np.ndarray) -> Activities:
        return Activities(*(getattr(self, f)[index] for f in Activities.__dataclass_fields__))


def build_activities(rng: np.random.Generator, customers: Customers, reps: Reps,
                     opp: Opportunities, start: int, newest: int, quiet: np.ndarray
                     ) -> Activities:
    """Account touches by the owner (AEs visit, ISRs call) plus the work on each open deal, with
    face-to-face activities at each rep's pace; nothing on the `quiet` accounts for the last
    OVERDUE_QUIET_DAYS."""
    touches = _account_touches(rng, customers, reps, start, newest)
    deal_work = _deal_work(rng, opp, customers, reps, newest)
    activities = Activities.concat([touches, deal_work])
    weekend = (activities.day + 3) % 7  # reps log weekend work on the Friday before
    activities.day = activities.day - np.where(weekend == 5, 1, np.where(weekend == 6, 2, 0))
    activities.day = np.maximum(activities.day, customers.created[activities.customer])
    if len(deal_work.day):
        linked = activities.opportunity >= 0
        activities.day[linked] = np.maximum(activities.day[linked],
                                            opp.created[activities.opportunity[linked]])
    quiet_from = np.full(len(customers.size), NEVER)
    quiet_from[quiet] = newest - rng.integers(*OVERDUE_QUIET_DAYS, len(quiet))
    activities = activities.take(activities.day < quiet_from[activities.customer])
    activities = _face_to_face_at_each_reps_pace(rng, activities, customers, reps, start, newest,
                                                 quiet_from)
    return activities.take(np.argsort(activities.day, kind="stable"))


def face_to_face_pace(rng: np.random.Generator, reps: Reps) -> np.ndarray:
    """Face-to-face activities a week each rep works at (see FACE_TO_FACE_PER_WEEK)."""
    region_factor = np.sqrt([REGION_ACTIVITY_FACTOR.get(r, 1.0) for r in REGION_IDS])
    pace = (np.array([FACE_TO_FACE_PER_WEEK[role] for role in reps.role])
            * region_factor[reps.region] * rng.lognormal(0.0, FACE_TO_FACE_SPREAD, len(reps.role)))
    return np.where(np.isin(reps.rep_id, LOW_FACE_TO_FACE_REPS),
                    FACE_TO_FACE_PER_WEEK["AE"] * LOW_FACE_TO_FACE_FACTOR, pace)


def _field_days(days: np.ndarray) -> np.ndarray:
    """The share of each day a rep can spend with customers: weekdays, little over the Chinese
    New Year holiday."""
    field = ((days + 3) % 7 < 5).astype(float)
    for new_year in CHINESE_NEW_YEAR:
        offset = days - day_number(dt.date.fromisoformat(new_year))
        field[(offset >= 0) & (offset <= 8)] *= HOLIDAY_FIELD_DAYS
    return field


def _face_to_face_at_each_reps_pace(rng: np.random.Generator, activities: Activities,
                                    customers: Customers, reps: Reps, start: int, newest: int,
                                    quiet_from: np.ndarray) -> Activities:
    """Each rep's face-to-face activities in an ISO week are a Poisson count around the rep's
    pace (face_to_face_pace, over the week's field days while the rep is on the team): the
    week's visits, meetings and workshops beyond it are logged as calls; short of it, the rep
    visits accounts of their book (∝ √size), not a quiet one."""
    n_reps = len(reps.rep_id)
    first_week, last_week = (start + 3) // 7, (newest + 3) // 7
    n_weeks = last_week - first_week + 1
    days = np.arange(7 * first_week - 3, 7 * last_week + 4)  # Monday … Sunday
    on_team = ((days[None, :] >= start)
               & (days[None, :] < np.minimum(reps.left_on, newest + 1)[:, None]))
    field = (_field_days(days)[None, :] * on_team).reshape(n_reps, n_weeks, 7)
    pace = face_to_face_pace(rng, reps)
    target = rng.poisson(pace[:, None] * field.sum(axis=2) / 5).ravel()

    week = np.clip((activities.day + 3) // 7 - first_week, 0, n_weeks - 1)
    cell = activities.rep * n_weeks + week
    f2f = np.flatnonzero(FACE_TO_FACE[activities.type])
    order = f2f[np.lexsort((rng.random(len(f2f)), cell[f2f]))]
    beyond = order[_rank_within(cell[order]) >= target[cell[order]]]
    activities.type[beyond] = ACTIVITY_TYPES.index("call")

    missing = np.maximum(target - np.bincount(cell[f2f], minlength=len(target)), 0)
    new_cell = np.repeat(np.arange(len(target)), missing)
    rep, week = np.divmod(new_cell, n_weeks)
    day = 7 * (first_week + week) - 3 + _choose_rows(rng, field.reshape(-1, 7)[new_cell],
                                                     np.arange(len(new_cell)))
    # A rep's book: the accounts they were given, and those they took over from a leaver.
    inherited = np.flatnonzero(customers.owner != customers.first_owner)
    book_rep = np.r_[customers.first_owner, customers.owner[inherited]]
    book_account = np.r_[np.arange(len(customers.size)), inherited]
    by_rep = np.argsort(book_rep, kind="stable")
    book_rep, book_account = book_rep[by_rep], book_account[by_rep]
    weight = np.sqrt(customers.size[book_account]) + 0.1
    customer = np.full(len(day), -1)
    todo = np.arange(len(day))
    dormant = customers.lifecycle == LIFECYCLE_CODES["dormant"]
    for _ in range(6):  # re-drawn where the account is not the rep's that day, or not visited
        customer[todo] = book_account[_choose_within_groups(rng, book_rep, weight, rep[todo])]
        c, d = customer[todo], day[todo]
        fine = ((customers.booked_rep(c, d, reps) == rep[todo]) & (customers.created[c] <= d)
                & (d < quiet_from[c]) & ~(dormant[c] & (d > customers.last_order[c] + 120)))
        todo = todo[~fine]
        if not len(todo):
            break
    visited = np.setdiff1d(np.arange(len(day)), todo)
    mix = np.array(ACTIVITY_MIX["AE"])[FACE_TO_FACE]
    kind = rng.choice(np.flatnonzero(FACE_TO_FACE), size=len(visited), p=mix / mix.sum())
    return Activities.concat([activities, Activities(
        day[visited], rep[visited], customer[visited], kind, np.full(len(visited), -1))])


def _account_touches(rng: np.random.Generator, customers: Customers, reps: Reps, start: int,
                     newest: int) -> Activities:
    """The owner's routine contact with each account, from (about) its first order or creation;
    dormant accounts are let go four months after their last order, prospects get half the rate."""
    first = np.maximum(np.minimum(customers.first_order, customers.created + 30),
                       np.maximum(customers.created, start))
    first = np.minimum(first, newest)
    last = np.where(customers.lifecycle == LIFECYCLE_CODES["dormant"],
                    np.minimum(customers.last_order + 120, newest), newest)
    region_factor = np.array([REGION_ACTIVITY_FACTOR.get(r, 1.0) for r in REGION_IDS])
    rate = np.where(customers.owned_by_ae, ACTIVITIES_PER_MONTH["AE"], ACTIVITIES_PER_MONTH["ISR"])
    rate = rate * region_factor[customers.region] * np.where(
        customers.lifecycle == LIFECYCLE_CODES["prospect"], 0.5, 1.0)
    count = rng.poisson(rate * np.maximum(0, last - first) / 30.4)
    customer = np.repeat(np.arange(len(count)), count)
    day = first[customer] + np.floor(rng.random(len(customer)) * (last - first + 1)[customer]
                                     ).astype(np.int64)
    mix = np.array([ACTIVITY_MIX["AE"], ACTIVITY_MIX["ISR"]])
    kind = _choose_rows(rng, mix, (~customers.owned_by_ae[customer]).astype(np.int64))
    return Activities(day, customers.booked_rep(customer, day, reps), customer, kind,
                      np.full(len(day), -1))


def _deal_work(rng: np.random.Generator, opp: Opportunities, customers: Customers, reps: Reps,
               newest: int) -> Activities:
    """An activity at each stage entered (a meeting when a deal steps back or wins its stage
    back) and touches every ~2 weeks while the deal is worked, more often on big deals."""
    n = len(opp.created)
    stage_deal, stage_no = np.nonzero(
        opp.stage_entered <= np.minimum(opp.removed_on, newest)[:, None])
    stage_day = opp.stage_entered[stage_deal, stage_no]
    stage_kind = np.array([1, 2, 3, 2, 0])[stage_no]  # call, meeting, workshop, meeting, visit
    back = np.flatnonzero(opp.regressed_on <= newest)
    again = np.flatnonzero(opp.recovered_on <= newest)
    stage_deal = np.concatenate([stage_deal, back, again])
    stage_day = np.concatenate([stage_day, opp.regressed_on[back], opp.recovered_on[again]])
    stage_kind = np.concatenate([stage_kind, np.full(len(back) + len(again), 2)])
    until = np.minimum(opp.worked_until, newest)
    every = np.clip(DAYS_BETWEEN_DEAL_TOUCHES * (200_000 / opp.amount_first) ** 0.3, 5, 30)
    count = rng.poisson(np.maximum(0, until - opp.created) / every)
    touch_deal = np.repeat(np.arange(n), count)
    touch_day = opp.created[touch_deal] + np.floor(rng.random(len(touch_deal)) * (
        until - opp.created + 1)[touch_deal]).astype(np.int64)
    touch_kind = rng.choice(4, size=len(touch_deal), p=[0.35, 0.40, 0.20, 0.05])
    deal = np.concatenate([stage_deal, touch_deal])
    day = np.concatenate([stage_day, touch_day])
    customer = opp.customer[deal]
    return Activities(day, customers.booked_rep(customer, day, reps), customer,
                      np.concatenate([stage_kind, touch_kind]), deal)


# --------------------------------------------------------------------------------------- scores

def build_customer_scores(rng: np.random.Generator, customers: Customers) -> tuple[np.ndarray,
                                                                                   np.ndarray]:
    """Scores 1–10 on the eight criteria; attractiveness follows size, feasibility relationship.

    Returns (customer index per row, score matrix rows × criteria); ~3% of accounts are unscored.
    """
    n = len(customers.size)
    code = LIFECYCLE_CODES
    size_rank = np.argsort(np.argsort(customers.size + 1e-9 * np.arange(n))) / max(1, n - 1)
    attractiveness = 2.8 + 6.0 * size_rank + rng.normal(0, 1.2, n)
    feasibility = (5.4 + 1.5 * customers.owned_by_ae
                   + np.select([customers.lifecycle == code["prospect"],
                                customers.lifecycle == code["dormant"]], [-1.8, -1.2], 0.4)
                   + rng.normal(0, 1.5, n))
    latent = np.repeat(np.stack([attractiveness, feasibility], axis=1), 4, axis=1)
    scores = np.clip(np.round(latent + rng.normal(0, 1.1, (n, 8))), 1, 10)
    scored = np.flatnonzero(rng.random(n) >= 0.03)
    return scored, scores[scored]


def customer_tiers(n_customers: int, scored: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """SPEC §5.6 tier of each customer with the default weights and threshold: 1, 2 or 3; 0 for
    not pursued, -1 for unscored."""
    weights = np.array([[config.KEYS[f"customers.{axis}.{c}"].default for c in SCORE_CRITERIA]
                        for axis in ("attractiveness", "feasibility")], float)
    attractiveness, feasibility = (np.round(scores @ weights.T / weights.sum(axis=1), 6)
                                   >= config.KEYS["customers.tier_threshold"].default).T
    tier = np.full(n_customers, -1)
    tier[scored] = np.select([attractiveness & feasibility, feasibility, attractiveness],
                             [1, 2, 3], 0)
    return tier


def quiet_accounts(customers: Customers, reps: Reps, scored: np.ndarray, scores: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The accounts OVERDUE_CONTACT_REPS let go quiet: the biggest of each one's book, tier 1
    first. They are focus accounts the rep neglects: one that is not tier 1 gets scores of 7 at
    least. Returns them, and the scored customers and scores with that done."""
    tier = customer_tiers(len(customers.size), scored, scores)
    chosen = []
    for rep in np.flatnonzero(np.isin(reps.rep_id, OVERDUE_CONTACT_REPS)):
        book = np.flatnonzero((customers.first_owner == rep)
                              & (customers.lifecycle == LIFECYCLE_CODES["regular"]))
        chosen.extend(book[np.lexsort((-customers.size[book], tier[book] != 1))]
                      [:OVERDUE_ACCOUNTS_PER_REP])
    chosen = np.array(chosen, np.int64)
    unscored = np.setdiff1d(chosen, scored)
    scored = np.r_[scored, unscored]
    scores = np.r_[scores, np.zeros((len(unscored), scores.shape[1]))]
    row = np.full(len(customers.size), -1)
    row[scored] = np.arange(len(scored))
    scores[row[chosen]] = np.maximum(scores[row[chosen]], 7.0)
    by_customer = np.argsort(scored)
    return chosen, scored[by_customer], scores[by_customer]


def not_pursued_accounts(customers: Customers, scored: np.ndarray, scores: np.ndarray
                         ) -> np.ndarray:
    """Which customers are not pursued (tier 0), after making sure each of MARKET_ORDER_REGIONS
    has MARKET_ORDER_MIN_LINES regular buyers among them to sell special prices to: if not, its
    lowest-scored regular ISR accounts get scores of 5 at most. Changes `scores` in place."""
    row = np.full(len(customers.size), -1)
    row[scored] = np.arange(len(scored))
    not_pursued = customer_tiers(len(customers.size), scored, scores) == 0
    regular_isr = ((customers.lifecycle == LIFECYCLE_CODES["regular"]) & ~customers.owned_by_ae
                   & (row >= 0))
    for region_id in MARKET_ORDER_REGIONS:
        in_region = regular_isr & (customers.region == REGION_IDS.index(region_id))
        short = MARKET_ORDER_MIN_LINES - (in_region & not_pursued).sum()
        if short > 0:
            candidates = np.flatnonzero(in_region & ~not_pursued)
            lowest = candidates[np.argsort(scores[row[candidates]].sum(axis=1), kind="stable")
                                [:short]]
            scores[row[lowest]] = np.minimum(scores[row[lowest]], 5.0)
            not_pursued[lowest] = True
    return not_pursued


# -------------------------------------------------------------------------------------- targets

def plan_targets(rng: np.random.Generator, orders: pa.Table, customers: Customers,
                 calendar: DemandCalendar, newest: int) -> pa.Table:
    """Monthly targets per region × industry × product line, planned from the customer base.

    A region's plan for a month is its customers' expected order volume (size × seasonal demand
    while they buy), valued at the revenue per unit of volume the region achieved in that fiscal
    quarter (to date; later quarters: the last twelve complete months), divided by the attainment
    the story gives the region (GD ~120%, XJ ~80%), scaled so the nation lands at
    NATIONAL_ATTAINMENT. Valuing per quarter keeps the story's attainment from being drowned by
    a few big deals landing in one region. Industries and product lines split a region's plan by
    their run-rate share, with planning noise; margin targets apply the national gross-margin rate
    of each product line.
    """
    n_r, n_i, n_l = len(REGION_IDS), len(INDUSTRY_IDS), len(PRODUCT_LINES)
    n_m = len(calendar.month_first)
    day = orders["order_date"].cast(pa.int32()).to_numpy()
    month = np.searchsorted(calendar.month_first, day, side="right") - 1
    region = _codes(orders["region_id"], REGION_IDS)
    revenue = orders["revenue"].to_numpy()
    region_month_revenue = np.bincount(region * n_m + month, revenue, n_r * n_m).reshape(n_r, n_m)

    current = int(np.searchsorted(calendar.month_first, newest, side="right")) - 1
    basis = np.zeros(n_m, bool)
    basis[max(0, current - 12):current] = True  # the last twelve complete months
    in_basis = basis[month]
    cell = ((region * n_i + _codes(orders["industry_id"], INDUSTRY_IDS)) * n_l
            + _codes(orders["product_line"], PRODUCT_LINES))[in_basis]
    cell_revenue = np.bincount(cell, revenue[in_basis], n_r * n_i * n_l).reshape(n_r, n_i, n_l)
    line_cost = np.bincount(cell % n_l, orders["cost"].to_numpy()[in_basis], n_l)
    line_gm_pct = 1 - line_cost / np.maximum(cell_revenue.sum(axis=(0, 1)), 1.0)

    volume_to_date = _region_volume(customers, expected_order_volume(customers, calendar, newest,
                                                                     newest))
    volume_planned = _region_volume(customers, expected_order_volume(customers, calendar, newest,
                                                                     calendar.last_day))
    value = _revenue_per_volume(region_month_revenue, volume_to_date, calendar, basis, current)
    region_revenue = cell_revenue.sum(axis=(1, 2))
    attainment = np.array([REGION_ATTAINMENT.get(r, rng.uniform(0.97, 1.07)) for r in REGION_IDS])
    attainment *= (region_revenue / region_revenue.sum() / attainment).sum() * NATIONAL_ATTAINMENT
    region_plan = volume_planned * value / attainment[:, None] * rng.lognormal(
        0, 0.03, volume_planned.shape)

    cell_weight = cell_revenue * rng.lognormal(0, 0.10, (n_r, n_i, 1)) * rng.lognormal(
        0, 0.05, (n_r, n_i, n_l))
    cell_weight[_untargeted_combinations(rng)] = 0.0
    cell_weight /= np.maximum(cell_weight.sum(axis=(1, 2), keepdims=True), 1e-12)
    revenue_target = np.round(region_plan.T[:, :, None, None] * cell_weight[None], -2)
    gm_plan = line_gm_pct[None, None, None, :] * rng.lognormal(0, 0.02, (1, n_r, 1, n_l))
    margin_target = np.round(revenue_target * gm_plan, -2)

    m, r, i, line = np.nonzero(revenue_target > 0)
    return pa.table({
        "fiscal_month": pa.array(calendar.month_label[m], pa.string()),
        "region_id": pa.array(np.array(REGION_IDS, dtype=object)[r], pa.string()),
        "industry_id": pa.array(np.array(INDUSTRY_IDS, dtype=object)[i], pa.string()),
        "product_line": pa.array(np.array(PRODUCT_LINES, dtype=object)[line], pa.string()),
        "revenue_target": pa.array(revenue_target[m, r, i, line]),
        "margin_target": pa.array(margin_target[m, r, i, line]),
    })


def _region_volume(customers: Customers, volume: np.ndarray) -> np.ndarray:
    """Regions × months from customers × months."""
    by_region = np.zeros((len(REGION_IDS), volume.shape[1]))
    np.add.at(by_region, customers.region, volume)
    return by_region


def _revenue_per_volume(revenue: np.ndarray, volume: np.ndarray, calendar: DemandCalendar,
                        basis: np.ndarray, current: int) -> np.ndarray:
    """Regions × months: revenue per unit of expected volume in the month's fiscal quarter to date;
    for quarters after the current one (or without volume yet), that of the basis months."""
    labels = calendar.month_label.astype(str)
    year = np.array([int(x[:4]) for x in labels])
    month = np.array([int(x[5:7]) for x in labels])
    quarter = (year - (month < 4)) * 4 + (month - 4) % 12 // 3
    trailing = revenue[:, basis].sum(axis=1) / np.maximum(volume[:, basis].sum(axis=1), 1e-12)
    value = np.repeat(trailing[:, None], len(labels), axis=1)
    for q in np.unique(quarter[:current + 1]):
        months = quarter == q
        q_revenue, q_volume = revenue[:, months].sum(axis=1), volume[:, months].sum(axis=1)
        known = (q_volume > 0) & (q_revenue > 0)
        value[known[:, None] & months[None, :]] = np.repeat(
            (q_revenue[known] / q_volume[known])[:, None], months.sum(), axis=1).ravel()
    return value


def _untargeted_combinations(rng: np.random.Generator) -> np.ndarray:
    """Region × industry pairs without any target row: the fixed ones plus a few at random."""
    untargeted = np.zeros((len(REGION_IDS), len(INDUSTRY_IDS)), bool)
    for region_id, industry_id in REGIONS_WITHOUT_TARGET:
        untargeted[REGION_IDS.index(region_id), INDUSTRY_IDS.index(industry_id)] = True
    candidates = np.flatnonzero(~untargeted.ravel())
    untargeted.ravel()[rng.choice(candidates, OTHER_UNTARGETED_COMBINATIONS, replace=False)] = True
    return untargeted


def _codes(column: pa.ChunkedArray, vocabulary: tuple[str, ...]) -> np.ndarray:
    return pc.index_in(column, pa.array(vocabulary)).to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass
class RepPlan:
    """What rep targets are split from: the regions' monthly targets and each rep's weight."""

    month_first: np.ndarray  # first day of each month of the targets (from the history start)
    month_label: np.ndarray  # "YYYY-MM"
    region_target: np.ndarray  # regions × months, in whole hundreds as the targets are
    rep_weight: np.ndarray  # reps × months


def plan_rep_weights(rng: np.random.Generator, orders: pa.Table, targets: pa.Table, reps: Reps,
                     calendar: DemandCalendar) -> RepPlan:
    """Each rep's weight in a month's split (see REP_TARGET_FLOOR): booked revenue in the fiscal
    year before (the first year: its own), at least REP_TARGET_FLOOR of the region's mean, × a
    lognormal planning factor per fiscal year."""
    n_reps, n_m, n_r = len(reps.rep_id), len(calendar.month_first), len(REGION_IDS)
    fiscal_year = np.arange(n_m) // 12  # the calendar starts on 1 April
    n_y = fiscal_year[-1] + 1
    month = np.searchsorted(calendar.month_first, orders["order_date"].cast(pa.int32())
                            .to_numpy(), side="right") - 1
    booked = np.bincount(_codes(orders["rep_id"], tuple(reps.rep_id)) * n_y + fiscal_year[month],
                         orders["revenue"].to_numpy(), n_reps * n_y).reshape(n_reps, n_y)
    basis = np.c_[booked[:, :1], booked[:, :-1]]
    region_mean = np.zeros((n_r, n_y))
    np.add.at(region_mean, reps.region, basis)
    region_mean /= np.bincount(reps.region, minlength=n_r)[:, None]
    # (¥1 at least, so a region without sales yet still splits its target.)
    weight = (np.maximum(np.maximum(basis, REP_TARGET_FLOOR * region_mean[reps.region]), 1.0)
              * rng.lognormal(0.0, REP_TARGET_SPREAD, basis.shape))
    region_target = np.bincount(
        _codes(targets["region_id"], REGION_IDS) * n_m
        + _codes(targets["fiscal_month"], tuple(calendar.month_label)),
        targets["revenue_target"].to_numpy(), n_r * n_m).reshape(n_r, n_m)
    return RepPlan(calendar.month_first, calendar.month_label, np.round(region_target / 100),
                   weight[:, fiscal_year])


def rep_target_table(plan: RepPlan, reps: Reps, day: int, last_month: str) -> pa.Table:
    """Monthly targets, up to `last_month`, of the reps on the team at the month's start (as known
    on `day`): the region's target split by weight, in whole hundreds, by largest remainders so
    they add up to the region's target exactly."""
    n_m = int(np.searchsorted(plan.month_label.astype(str), last_month, side="right"))
    left = np.where(reps.left_on <= day, reps.left_on, NEVER)
    rep, month = np.nonzero(plan.month_first[None, :n_m] < left[:, None])
    weight = plan.rep_weight[rep, month]
    group = reps.region[rep] * n_m + month
    group_weight = np.bincount(group, weight, len(REGION_IDS) * n_m)
    exact = plan.region_target[reps.region[rep], month] * weight / group_weight[group]
    hundreds = np.floor(exact)
    short = plan.region_target[:, :n_m].ravel() - np.bincount(group, hundreds,
                                                                len(REGION_IDS) * n_m)
    order = np.lexsort((hundreds - exact, group))
    hundreds[order[_rank_within(group[order]) < short[group[order]] - 0.5]] += 1
    keep = np.flatnonzero(hundreds > 0)
    keep = keep[np.lexsort((rep[keep], month[keep]))]
    return pa.table({
        "fiscal_month": pa.array(plan.month_label[month[keep]], pa.string()),
        "rep_id": pa.array(reps.rep_id[rep[keep]], pa.string()),
        "revenue_target": pa.array(hundreds[keep] * 100),
    })


# ------------------------------------------------------------------------------------ snapshots

@dataclass
class DemoWorld:
    """Everything simulated up to the newest as_of; each weekly snapshot is a view of it."""

    newest: dt.date
    reps: Reps
    products: Products
    customers: Customers
    scored_customers: np.ndarray
    scores: np.ndarray
    orders: pa.Table  # sorted by order date
    order_days: np.ndarray
    opportunities: Opportunities
    activities: Activities
    targets: pa.Table
    rep_plan: RepPlan


def build_world(newest: dt.date, oldest: dt.date, orders: int, seed: int) -> DemoWorld:
    """Simulate the organisation from the history start to the newest Sunday."""
    start, newest_day = day_number(history_start(oldest)), day_number(newest)
    calendar = DemandCalendar.build(start, day_number(fiscal_year_end(newest)))
    reps = build_reps(_stream(seed, "reps"), newest_day)
    products = build_products()
    customers = build_customers(_stream(seed, "customers"), reps, orders, start, newest_day)
    scored, scores = build_customer_scores(_stream(seed, "scores"), customers)
    quiet, scored, scores = quiet_accounts(customers, reps, scored, scores)
    not_pursued = not_pursued_accounts(customers, scored, scores)
    every_deal = build_opportunities(_stream(seed, "opportunities"), customers, start, newest_day,
                                     orders)
    in_crm = np.flatnonzero(crm_deals(every_deal, newest_day))
    crm_position = np.full(len(every_deal.created), -1)
    crm_position[in_crm] = np.arange(len(in_crm))
    order_table = build_orders(_stream(seed, "orders"), orders, customers, reps, products,
                               every_deal, crm_position, calendar, newest_day, not_pursued,
                               _stream(seed, "market-order"))
    opportunities = every_deal.take(in_crm)
    activities = build_activities(_stream(seed, "activities"), customers, reps, opportunities,
                                  start, newest_day, quiet)
    targets = plan_targets(_stream(seed, "targets"), order_table, customers, calendar, newest_day)
    rep_plan = plan_rep_weights(_stream(seed, "rep-targets"), order_table, targets, reps, calendar)
    return DemoWorld(newest, reps, products, customers, scored, scores, order_table,
                     order_table["order_date"].cast(pa.int32()).to_numpy().astype(np.int64),
                     opportunities, activities, targets, rep_plan)


def crm_deals(opp: Opportunities, newest: int) -> np.ndarray:
    """The deals in the CRM: those created since it went live (CRM_HISTORY_DAYS before newest)
    and those still open then that were opened in the half year before, entered at go-live with
    their history."""
    go_live = newest - CRM_HISTORY_DAYS
    migrated = ((opp.created > go_live - CRM_MIGRATED_DAYS) & (opp.closed_on > go_live)
                & (opp.removed_on > go_live))
    return (opp.created > go_live) | migrated


def snapshot_tables(world: DemoWorld, as_of: dt.date) -> dict[str, pa.Table]:
    """The full extract as it would have been taken on `as_of` (a Sunday on or before newest)."""
    day = day_number(as_of)
    opp = world.opportunities
    present = (opp.created <= day) & (opp.removed_on > day)
    return {
        **dimension_tables(world, day),
        "customers": customer_table(world, day),
        "customer_scores": score_table(world, day),
        "orders": world.orders.slice(0, int(np.searchsorted(world.order_days, day, side="right"))),
        "opportunities": opportunity_table(world, day, present),
        "opportunity_history": history_table(opp, day, present),
        "targets": world.targets.filter(pc.less_equal(
            world.targets["fiscal_month"], fiscal_year_end(as_of).strftime("%Y-%m"))),
        "rep_targets": rep_target_table(world.rep_plan, world.reps, day,
                                        fiscal_year_end(as_of).strftime("%Y-%m")),
        "activities": activity_table(world, day, present),
    }


def dimension_tables(world: DemoWorld, day: int) -> dict[str, pa.Table]:
    """Regions, industries, reps (active = not yet left on `day`) and products."""
    reps, products = world.reps, world.products
    manager = reps.manager
    return {
        "regions": pa.table({
            "region_id": [r[0] for r in REGIONS], "name_en": [r[1] for r in REGIONS],
            "name_zh": [r[2] for r in REGIONS], "region_group": [r[3] for r in REGIONS]}),
        "industries": pa.table({
            "industry_id": [i[0] for i in INDUSTRIES], "name_en": [i[1] for i in INDUSTRIES],
            "name_zh": [i[2] for i in INDUSTRIES]}),
        "reps": pa.table({
            "rep_id": pa.array(reps.rep_id, pa.string()),
            "name": pa.array(reps.name, pa.string()),
            "role": pa.array(reps.role, pa.string()),
            "region_id": pa.array(np.array(REGION_IDS, dtype=object)[reps.region], pa.string()),
            "manager_id": pa.array(reps.rep_id[np.maximum(manager, 0)], pa.string(),
                                   mask=manager < 0),
            "active": pa.array(reps.left_on > day)}),
        "products": pa.table({
            "product_id": pa.array(products.product_id, pa.string()),
            "name": pa.array(products.name, pa.string()),
            "product_line": pa.array(np.array(PRODUCT_LINES, dtype=object)[
                products.line], pa.string()),
            "series": pa.array(products.series, pa.string()),
            "list_price": pa.array(products.list_price),
            "standard_cost": pa.array(products.standard_cost),
            "high_margin": pa.array(products.high_margin.astype(bool)),
            "margin_class": pa.array(products.margin_class, pa.string())}),
    }


def customer_table(world: DemoWorld, day: int) -> pa.Table:
    """Accounts created on or before `day`, owned by whoever owned them that day."""
    customers = world.customers
    known = np.flatnonzero(customers.created <= day)
    owner = customers.booked_rep(known, np.full(len(known), day), world.reps)
    return pa.table({
        "customer_id": customers.customer_id.take(pa.array(known)),
        "name": pa.array(customers.name[known], pa.string()),
        "industry_id": pa.array(np.array(INDUSTRY_IDS, dtype=object)[customers.industry[known]],
                                pa.string()),
        "region_id": pa.array(np.array(REGION_IDS, dtype=object)[customers.region[known]],
                              pa.string()),
        "owner_rep_id": pa.array(world.reps.rep_id[owner], pa.string()),
        "created_date": _dates(customers.created[known]),
    })


def score_table(world: DemoWorld, day: int) -> pa.Table:
    """One row per scored account × criterion, for accounts known on `day`."""
    known = world.customers.created[world.scored_customers] <= day
    customer = np.repeat(world.scored_customers[known], len(SCORE_CRITERIA))
    return pa.table({
        "customer_id": world.customers.customer_id.take(pa.array(customer)),
        "criterion": pa.array(np.tile(np.array(SCORE_CRITERIA, dtype=object), known.sum()),
                              pa.string()),
        "score": pa.array(world.scores[known].ravel()),
    })


def opportunity_table(world: DemoWorld, day: int, present: np.ndarray) -> pa.Table:
    """Each opportunity's stage, status, expected close, amount and last activity on `day`."""
    opp, activities = world.opportunities, world.activities
    index = np.flatnonzero(present)
    stage = opp.stage_on(index, day)
    won = opp.won_on[index] <= day
    lost = opp.lost_on[index] <= day
    closed_on = np.where(won, opp.won_on[index], opp.lost_on[index])
    revisions = (opp.close_plan_revised_on[index] <= day).sum(axis=1)
    expected_close = np.where(won | lost, closed_on, opp.close_plan[index, revisions])
    amount = np.where(opp.amount_changed_on[index] <= day, opp.amount_later[index],
                      opp.amount_first[index])
    last_activity = opp.created.copy()
    worked = (activities.opportunity >= 0) & (activities.day <= day)
    np.maximum.at(last_activity, activities.opportunity[worked], activities.day[worked])
    customer = opp.customer[index]
    rep = world.customers.booked_rep(customer, np.full(len(index), day), world.reps)
    return pa.table({
        "opportunity_id": _ids("OPP", index + 1, 6),
        "name": pa.array(opp.name[index], pa.string()),
        "customer_id": world.customers.customer_id.take(pa.array(customer)),
        "rep_id": pa.array(world.reps.rep_id[rep], pa.string()),
        "region_id": pa.array(np.array(REGION_IDS, dtype=object)[
            world.customers.region[customer]], pa.string()),
        "industry_id": pa.array(np.array(INDUSTRY_IDS, dtype=object)[
            world.customers.industry[customer]], pa.string()),
        "product_line": pa.array(np.array(PRODUCT_LINES, dtype=object)[opp.line[index]],
                                 pa.string()),
        "stage": pa.array(stage, pa.int32()),
        "status": pa.array(np.where(won, "won", np.where(lost, "lost", "open"))),
        "amount": pa.array(amount.astype(float)),
        "expected_margin_pct": pa.array(opp.expected_margin_pct[index]),
        "created_date": _dates(opp.created[index]),
        "expected_close_date": _dates(expected_close),
        "closed_date": _dates(np.where(won | lost, closed_on, 0), missing=~(won | lost)),
        "source": pa.array(opp.source[index], pa.string()),
        "last_activity_date": _dates(last_activity[index]),
    })


def history_table(opp: Opportunities, day: int, present: np.ndarray) -> pa.Table:
    """One row each time a present opportunity entered a stage, up to `day` (a deal that stepped
    back re-enters the lower stage, and the stage it won back, on new dates)."""
    index, stage, entered = opp.stage_entries(present, day)
    return pa.table({
        "opportunity_id": _ids("OPP", index + 1, 6),
        "stage": pa.array(stage, pa.int32()),
        "entered_date": _dates(entered),
    })


def activity_table(world: DemoWorld, day: int, present: np.ndarray) -> pa.Table:
    """Activities up to `day`; the link to a deal deleted from the CRM is cleared, as a CRM does."""
    activities = world.activities
    n = int(np.searchsorted(activities.day, day, side="right"))
    opportunity = activities.opportunity[:n]
    linked = opportunity >= 0
    linked[linked] = present[opportunity[linked]]
    return pa.table({
        "activity_id": _ids("ACT", np.arange(1, n + 1), 8),
        "activity_date": _dates(activities.day[:n]),
        "rep_id": pa.array(world.reps.rep_id[activities.rep[:n]], pa.string()),
        "customer_id": world.customers.customer_id.take(pa.array(activities.customer[:n])),
        "type": pa.array(np.array(ACTIVITY_TYPES, dtype=object)[activities.type[:n]], pa.string()),
        "opportunity_id": pc.if_else(pa.array(linked), _ids("OPP", opportunity + 1, 6),
                                     pa.scalar(None, pa.string())),
    })


# ---------------------------------------------------------------------------------- entry point

def write_weeks(data_dir: Path, as_of: dt.date, weeks: int, simulate, tables_as_of, source: str,
                progress=None) -> list[Path]:
    """The weekly loop both demos share: one snapshot per week for the ``weeks`` ISO weeks ending
    with the week of ``as_of``, each ``tables_as_of(world, sunday)`` of the history that
    ``simulate(newest, first)`` builds once (only when a week is missing). Snapshots already in
    ``data_dir`` are left alone (they are immutable). Returns the folders of all requested weeks,
    oldest first, whether written now or before. ``progress(fraction, week)``, if given, is
    called after the history is simulated (week None) and after each snapshot."""
    def report(fraction: float, week: str | None) -> None:
        if progress is not None:
            progress(fraction, week)

    newest = most_recent_sunday(as_of)
    sundays = [newest - dt.timedelta(weeks=k) for k in reversed(range(weeks))]
    root = Path(data_dir) / "snapshots"
    todo = [s for s in sundays if not (root / iso_week_id(s)).exists()]
    for sunday in sundays:
        if sunday not in todo:
            print(f"{iso_week_id(sunday)}  exists, skipped")
    if todo:
        world = simulate(newest, sundays[0])
        report(0.4, None)
        for done, sunday in enumerate(todo, 1):
            tables = tables_as_of(world, sunday)
            try:
                write_snapshot(Path(data_dir), sunday, tables, source.format(newest=newest))
            except FileExistsError:
                print(f"{iso_week_id(sunday)}  exists, skipped")
                continue
            counts = ", ".join(f"{name} {table.num_rows:,}" for name, table in tables.items()
                               if name not in ("regions", "industries", "products"))
            print(f"{iso_week_id(sunday)}  as_of {sunday}  {counts}")
            del tables  # before the next week's are built: one snapshot's tables in memory
            report(0.4 + 0.6 * done / len(todo), iso_week_id(sunday))
    return [root / iso_week_id(s) for s in sundays]


def generate(data_dir: Path, as_of: dt.date, weeks: int = 8, orders: int = 300_000,
             seed: int = 42, progress=None) -> list[Path]:
    """Write one snapshot per week for the `weeks` ISO weeks ending with the week of `as_of`
    (``write_weeks``)."""
    return write_weeks(data_dir, as_of, weeks,
                       lambda newest, first: build_world(newest, first, orders, seed),
                       snapshot_tables,
                       f"data.demo (seed={seed}, orders={orders}, newest as_of={{newest}})",
                       progress)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of argparse's usage block
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


# The demo simulates two fiscal years before as_of and names fiscal periods FY00…FY99.
_AS_OF_RANGE = (dt.date(2003, 1, 1), dt.date(2098, 12, 31))


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m data.demo", description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="newest snapshot's week: the Sunday on or before this day "
                             "(default: today)")
    parser.add_argument("--weeks", type=int, default=8, help="weekly snapshots to write")
    parser.add_argument("--orders", type=int, default=300_000,
                        help="order lines in the newest snapshot (default profile only)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", choices=("default", "crm"), default="default",
                        help="default: the key-account vendor of SPEC §2 (CNY, all tables); "
                             "crm: an opportunities-first company in USD with its own "
                             "config.toml and no targets or activities (data/demo_crm.py)")
    parser.add_argument("--deals", type=int, default=None,
                        help="opportunities over the two years (crm profile only; default 5000)")
    args = parser.parse_args(argv)
    if args.weeks < 1 or args.orders < 1 or (args.deals is not None and args.deals < 1):
        parser.error("--weeks, --orders and --deals must be positive")
    if args.profile == "default" and args.deals is not None:
        parser.error("--deals applies to --profile crm only")
    if args.seed < 0:
        parser.error("--seed must be 0 or more")
    if not _AS_OF_RANGE[0] <= args.as_of <= _AS_OF_RANGE[1]:
        parser.error(f"--as-of must lie between {_AS_OF_RANGE[0]} and {_AS_OF_RANGE[1]}")
    if args.data_dir.exists() and not args.data_dir.is_dir():
        parser.error(f"--data-dir {args.data_dir} is not a folder")
    started = time.perf_counter()
    try:
        if args.profile == "crm":
            from data import demo_crm  # it imports this module's helpers, so it is loaded here
            demo_crm.generate(args.data_dir, args.as_of, args.weeks,
                              demo_crm.DEALS if args.deals is None else args.deals, args.seed)
        else:
            generate(args.data_dir, args.as_of, args.weeks, args.orders, args.seed)
        # Checked and recorded now, so the app's first visitor does not wait for it.
        discover(args.data_dir)
    except OSError as exc:
        print(f"error: --data-dir {args.data_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
