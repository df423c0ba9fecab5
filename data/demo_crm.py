"""A second demo company (``python -m data.demo --profile crm``): opportunities first, in USD.

Unlike the default demo (a Chinese PC and server vendor run on order lines and targets), this is a
US business-software company whose data is a CRM extract: deals move through eight open stages
(won is stage 9, the stage after the last open one; a lost deal keeps the last open stage it
reached), and its order lines are only the bookings of won deals. Its snapshots hold regions (name
only), reps, products, customers, opportunities, their stage history and orders; no targets,
activities, customer scores or industries, so the app derives industries from their ids and says
what the missing tables disable (SPEC §9). Its vocabulary travels with the data in
``<data dir>/config.toml``: currency USD, calendar fiscal year, the eight stages and their
probabilities, the product lines (one without a Chinese name, one without a margin floor).

Each deal's whole life is simulated once (stage entries and the odd step back, close-date
revisions, an amount change, win, loss, or a stall the lead cleans up months later, or deletion),
and each weekly snapshot is the state of that history on its Sunday. Every random draw comes from a
PCG64 stream seeded by ``--seed`` and a fixed name (as in data/demo.py); nothing depends on the
wall clock except the default ``--as-of``.

    python -m data.demo --profile crm --data-dir DIR --as-of YYYY-MM-DD [--weeks 8] [--deals N]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from data.demo import _dates, _ids, _stream, day_number, write_weeks

# ------------------------------------------------------------------------------------ vocabulary

CURRENCY = "USD"
FISCAL_YEAR_START_MONTH = 1
KEY_OPPORTUNITY_MIN = 50_000
# The open stages, in order: (name_en, name_zh, probability). Won is stage len(STAGES) + 1.
STAGES = (
    ("Prospecting", "潜在客户", 0.05),
    ("Qualification", "资格审查", 0.10),
    ("Needs analysis", "需求分析", 0.20),
    ("Value proposition", "价值主张", 0.30),
    ("Decision makers", "确定决策者", 0.40),
    ("Perception analysis", "认知分析", 0.55),
    ("Proposal", "建议报价", 0.70),
    ("Negotiation", "谈判", 0.85),
)
OPEN_STAGES = len(STAGES)
WON_STAGE = OPEN_STAGES + 1

# region_id, name_en, share of the accounts, outcome mix (won, lost, stalled, removed).
REGIONS = (
    ("EAST", "East", 0.38, (0.46, 0.39, 0.13, 0.02)),
    ("WEST", "West", 0.32, (0.35, 0.48, 0.15, 0.02)),
    ("CENTRAL", "Central", 0.30, (0.42, 0.43, 0.13, 0.02)),
)
AGENTS_PER_REGION = 9  # under one manager each: 30 reps in all
AE_SHARE = 0.6  # of the agents; the rest are inside sales (ISR)

INDUSTRIES = (("retail", 0.18), ("software", 0.20), ("medical", 0.14), ("finance", 0.16),
              ("telecom", 0.12), ("technology", 0.20))
CUSTOMERS = 300

# Product lines: id → name_en, name_zh (None: falls back to English), margin_floor (None: not
# checked), share of the deals, median deal amount, mean expected margin, deal purposes.
PRODUCT_LINES = {
    "GTX": ("GTX workstations", "GTX 工作站", 0.12, 0.55, 12_000, 0.24,
            ("workstation refresh", "GTX rollout", "engineering seats")),
    "MG": ("MG software", "MG 软件", None, 0.30, 9_000, 0.30,
           ("MG licence renewal", "MG suite expansion", "MG upgrade")),
    "GTK": ("GTK systems", None, 0.10, 0.15, 28_000, 0.18,
            ("GTK 500 cluster", "GTK capacity expansion")),
}
LINE_IDS = tuple(PRODUCT_LINES)
# product_id, name, product_line, series, list price, standard cost ÷ list price, high margin.
PRODUCTS = (
    ("GTX-BASIC", "GTX Basic", "GTX", "GTX", 550.0, 0.80, False),
    ("GTX-PRO", "GTX Pro", "GTX", "GTX", 4821.0, 0.72, True),
    ("GTX-PLUS-BASIC", "GTX Plus Basic", "GTX", "GTX Plus", 1096.0, 0.78, False),
    ("GTX-PLUS-PRO", "GTX Plus Pro", "GTX", "GTX Plus", 5482.0, 0.70, True),
    ("MG-SPECIAL", "MG Special", "MG", "MG", 55.0, 0.74, False),
    ("MG-ADVANCED", "MG Advanced", "MG", "MG", 3393.0, 0.66, True),
    ("GTK-500", "GTK 500", "GTK", "GTK", 26768.0, 0.82, False),
)

FIRST_NAMES = ("Anna", "Boris", "Cara", "Daniel", "Elena", "Felix", "Grace", "Hassan", "Irene",
               "James", "Karen", "Luis", "Maya", "Nathan", "Olivia", "Pedro", "Quinn", "Rosa",
               "Samuel", "Tara", "Umar", "Vera", "Wendy", "Xavier", "Yusuf", "Zoe")
LAST_NAMES = ("Adams", "Brooks", "Carter", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Ito",
              "Jensen", "Kim", "Lopez", "Morgan", "Novak", "Okafor", "Patel", "Reyes", "Stone",
              "Turner", "Vance", "Walsh", "Young")
COMPANY_WORDS = ("Acme", "Betatech", "Bluestar", "Cancity", "Codehow", "Condax", "Dalttechnology",
                 "Domzoom", "Finjob", "Funholding", "Genco", "Globex", "Golddex", "Hottechi",
                 "Initech", "Isdom", "Kan-code", "Konex", "Lexiqvolax", "Newex", "Ontomedia",
                 "Plexzap", "Rangreen", "Ron-tech", "Scotfind", "Silis", "Sonron", "Stanredtax",
                 "Streethex", "Sumace", "Treequote", "Umbrella", "Vehement", "Xx-holding",
                 "Zathunicon", "Zencorporation")
COMPANY_SUFFIXES = ("Inc.", "Corp.", "Group", "Holdings", "Labs", "Systems", "Partners", "Health",
                    "Retail", "Networks")

# ------------------------------------------------------------------------------------ the deals

NEVER = 10**7  # a day number after any real date: "this event does not happen"
HISTORY_DAYS = 730  # deals are created over the two years up to the newest as_of
DEALS = 5_000
AMOUNT_SIGMA = 0.85
AMOUNT_RANGE = (2_000, 500_000)
AMOUNT_CHANGED_SHARE = 0.12
OWNER_DEAL_SHARE = 0.85  # of an account's deals run by its owner; the rest by a peer in the region
SOURCE_MIX = {"rep": 0.60, "partner": 0.25, "inbound": 0.15}
START_STAGE_MIX = (0.80, 0.15, 0.05)  # a deal enters the CRM at stage 1, 2 or 3
# Where lost and stalled deals stop, over the open stages 1..8.
STOP_STAGE_MIX = (0.22, 0.20, 0.15, 0.12, 0.10, 0.08, 0.07, 0.06)
STAGE_DAYS = (5, 7, 8, 9, 10, 11, 12, 14)  # mean days in each open stage
CLOSE_DAYS = 10  # mean days from the last stage entry to the win or the loss
PACE_SIGMA = 0.4  # a deal's own speed, lognormal around 1
STALL_WORK_DAYS = 21  # a stalled deal is still worked up to this many days …
STALL_CLEANUP_DAYS = (60, 240)  # … and closed as lost this many days after its last stage entry
REMOVED_AFTER_DAYS = (20, 120)  # a removed deal is deleted this long after its last stage entry
REGRESSION_SHARE = 0.06  # of deals step back one stage once and later re-enter it
NO_CLOSE_DATE_SHARE = 0.05  # open deals whose rep never entered an expected close date
NO_ACTIVITY_SHARE = 0.07  # deals without any logged activity (last_activity_date null)
NO_MARGIN_SHARE = 0.08  # deals without an expected margin
TOUCH_DAYS = (7, 25)  # a worked deal is touched every this many days
CLOSE_ESTIMATE_BIAS = 0.85  # first close estimates are optimistic …
CLOSE_ESTIMATE_SIGMA = 0.3
MAX_CLOSE_REVISIONS = 3  # … and revised at most this many times, every ~REVISION_DAYS worked
REVISION_DAYS = 45.0

# ----------------------------------------------------------------------------------- order lines

LINES_PER_ORDER = (0.55, 0.30, 0.15)  # 1, 2 or 3 lines per won deal (at most one per product)
DISCOUNT_BETA = (2.0, 23.0)  # mean 8%
DEEP_DISCOUNT_SHARE = 0.04
DEEP_DISCOUNT = (0.26, 0.40)
SPECIAL_PRICE_SHARE = 0.06
SPECIAL_PRICE_EXTRA = (0.05, 0.12)  # more discount and less margin on special-price lines
MARGIN_SIGMA = 0.04
MARGIN_RANGE = (0.05, 0.40)
PARTNER_CHANNEL = {"partner": 0.9, "other": 0.08}  # share of lines sold through a partner


# ------------------------------------------------------------------------------------- the world

@dataclass
class Reps:
    rep_id: np.ndarray
    name: np.ndarray
    role: np.ndarray
    region: np.ndarray  # index into REGIONS
    manager: np.ndarray  # rep index, -1 for the managers
    agents_by_region: list[np.ndarray]


@dataclass
class Customers:
    customer_id: np.ndarray
    name: np.ndarray
    region: np.ndarray
    industry: np.ndarray  # index into INDUSTRIES
    owner: np.ndarray  # rep index
    created: np.ndarray  # day number


@dataclass
class Deals:
    """Every deal's whole life, sorted by creation day; each snapshot cuts it at its Sunday."""

    name: np.ndarray
    customer: np.ndarray
    rep: np.ndarray
    line: np.ndarray  # index into LINE_IDS
    source: np.ndarray
    created: np.ndarray
    amount_first: np.ndarray
    amount_later: np.ndarray
    amount_changed_on: np.ndarray  # NEVER without a change
    expected_margin_pct: np.ndarray  # NaN = not entered
    won_on: np.ndarray  # NEVER unless won
    lost_on: np.ndarray  # NEVER unless lost
    removed_on: np.ndarray  # NEVER unless deleted from the CRM while open
    no_close_date: np.ndarray  # bool: no expected close date while open
    close_plan: np.ndarray  # (deals, MAX_CLOSE_REVISIONS + 1): first estimate, then revisions
    close_revised_on: np.ndarray  # (deals, MAX_CLOSE_REVISIONS), NEVER-padded
    touch_every: np.ndarray  # days between activities
    worked_until: np.ndarray  # last day the deal is worked
    no_activity: np.ndarray  # bool
    # Stage entries (deal, stage, day), sorted by deal then day; days strictly increase per deal.
    event_deal: np.ndarray
    event_stage: np.ndarray
    event_day: np.ndarray


@dataclass
class CrmWorld:
    newest: dt.date
    reps: Reps
    customers: Customers
    deals: Deals
    orders: pa.Table  # sorted by order date
    order_days: np.ndarray


def build_world(newest: dt.date, deals: int = DEALS, seed: int = 42) -> CrmWorld:
    """Simulate the company over the two years up to the newest Sunday."""
    newest_day = day_number(newest)
    start = newest_day - HISTORY_DAYS
    reps = build_reps(_stream(seed, "crm reps"))
    customers = build_customers(_stream(seed, "crm customers"), reps)
    deal = build_deals(_stream(seed, "crm deals"), customers, reps, start, newest_day, deals)
    _date_customers(_stream(seed, "crm customer dates"), customers, deal, start, newest_day)
    orders = build_orders(_stream(seed, "crm orders"), deal, customers, reps, newest_day)
    return CrmWorld(newest, reps, customers, deal, orders,
                    orders["order_date"].cast(pa.int32()).to_numpy().astype(np.int64))


def build_reps(rng: np.random.Generator) -> Reps:
    """One manager per region (manager_id null) and AGENTS_PER_REGION agents under each."""
    rep_id, role, region, manager = [], [], [], []
    for r in range(len(REGIONS)):
        lead = len(rep_id)
        n_ae = round(AGENTS_PER_REGION * AE_SHARE)
        roles = ["AE"] * (1 + n_ae) + ["ISR"] * (AGENTS_PER_REGION - n_ae)
        for k, rep_role in enumerate(roles):
            rep_id.append(f"REP{len(rep_id) + 1:03d}")
            role.append(rep_role)
            region.append(r)
            manager.append(-1 if k == 0 else lead)
    n = len(rep_id)
    pairs = rng.choice(len(FIRST_NAMES) * len(LAST_NAMES), size=n, replace=False)
    names = [f"{FIRST_NAMES[p // len(LAST_NAMES)]} {LAST_NAMES[p % len(LAST_NAMES)]}"
             for p in pairs]
    region_arr, manager_arr = np.array(region), np.array(manager)
    agents = [np.flatnonzero((region_arr == r) & (manager_arr >= 0)) for r in range(len(REGIONS))]
    return Reps(np.array(rep_id, dtype=object), np.array(names, dtype=object),
                np.array(role, dtype=object), region_arr, manager_arr, agents)


def build_customers(rng: np.random.Generator, reps: Reps) -> Customers:
    """CUSTOMERS accounts, each in a region and sector, owned by an agent of its region; their
    created dates follow from their deals (_date_customers)."""
    region = rng.choice(len(REGIONS), CUSTOMERS, p=[r[2] for r in REGIONS])
    industry = rng.choice(len(INDUSTRIES), CUSTOMERS, p=[i[1] for i in INDUSTRIES])
    owner = np.array([rng.choice(reps.agents_by_region[r]) for r in region])
    combos = rng.choice(len(COMPANY_WORDS) * len(COMPANY_SUFFIXES), CUSTOMERS, replace=False)
    suffixes = len(COMPANY_SUFFIXES)
    names = [f"{COMPANY_WORDS[c // suffixes]} {COMPANY_SUFFIXES[c % suffixes]}" for c in combos]
    return Customers(np.array([f"C{k:04d}" for k in range(1, CUSTOMERS + 1)], dtype=object),
                     np.array(names, dtype=object), region, industry, owner,
                     np.zeros(CUSTOMERS, np.int64))


def _date_customers(rng: np.random.Generator, customers: Customers, deal: Deals, start: int,
                    newest: int) -> None:
    """An account is created up to a year before its first deal; one without deals (a prospect)
    at any day of the history."""
    first = np.full(CUSTOMERS, NEVER, np.int64)
    np.minimum.at(first, deal.customer, deal.created)
    customers.created = np.where(first < NEVER, first - rng.integers(0, 366, CUSTOMERS),
                                 rng.integers(start, newest + 1, CUSTOMERS))


def build_deals(rng: np.random.Generator, customers: Customers, reps: Reps, start: int,
                newest: int, n: int) -> Deals:
    """`n` deals created over the history, for accounts ∝ a Pareto size, each with its path."""
    created = np.sort(rng.integers(start + 1, newest + 1, n))
    size = rng.pareto(1.5, CUSTOMERS) + 1.0
    customer = rng.choice(CUSTOMERS, n, p=size / size.sum())
    region = customers.region[customer]
    rep = customers.owner[customer].copy()
    peer = rng.random(n) >= OWNER_DEAL_SHARE
    for r in range(len(REGIONS)):
        pick = peer & (region == r)
        rep[pick] = rng.choice(reps.agents_by_region[r], pick.sum())
    line = rng.choice(len(LINE_IDS), n, p=[PRODUCT_LINES[k][3] for k in LINE_IDS])
    median = np.array([PRODUCT_LINES[k][4] for k in LINE_IDS], float)[line]
    amount_first = _round_amount(median * rng.lognormal(0.0, AMOUNT_SIGMA, n))
    changed = rng.random(n) < AMOUNT_CHANGED_SHARE
    amount_later = np.where(changed, _round_amount(amount_first * rng.lognormal(0.0, 0.25, n)),
                            amount_first)
    margin_mean = np.array([PRODUCT_LINES[k][5] for k in LINE_IDS])[line]
    margin = np.round(np.clip(rng.normal(margin_mean, 0.05), 0.05, 0.45), 3)
    margin[rng.random(n) < NO_MARGIN_SHARE] = np.nan
    sources = tuple(SOURCE_MIX)
    source = np.array(sources, dtype=object)[rng.choice(len(sources), n,
                                                        p=list(SOURCE_MIX.values()))]
    purposes = [PRODUCT_LINES[k][6] for k in LINE_IDS]
    pick = rng.integers(0, 1000, n)
    name = np.array([f"{customers.name[c]} - {purposes[l][p % len(purposes[l])]}"
                     for c, l, p in zip(customer.tolist(), line.tolist(), pick.tolist())],
                    dtype=object)
    deal = Deals(
        name=name, customer=customer, rep=rep, line=line, source=source, created=created,
        amount_first=amount_first, amount_later=amount_later,
        amount_changed_on=np.full(n, NEVER, np.int64), expected_margin_pct=margin,
        won_on=np.full(n, NEVER, np.int64), lost_on=np.full(n, NEVER, np.int64),
        removed_on=np.full(n, NEVER, np.int64),
        no_close_date=rng.random(n) < NO_CLOSE_DATE_SHARE,
        close_plan=np.zeros((n, MAX_CLOSE_REVISIONS + 1), np.int64),
        close_revised_on=np.full((n, MAX_CLOSE_REVISIONS), NEVER, np.int64),
        touch_every=rng.integers(TOUCH_DAYS[0], TOUCH_DAYS[1] + 1, n),
        worked_until=np.zeros(n, np.int64), no_activity=rng.random(n) < NO_ACTIVITY_SHARE,
        event_deal=np.zeros(0, np.int64), event_stage=np.zeros(0, np.int64),
        event_day=np.zeros(0, np.int64))
    _simulate_paths(rng, deal, region, changed)
    return deal


def _round_amount(values: np.ndarray) -> np.ndarray:
    return np.clip(np.round(values / 10.0) * 10.0, *AMOUNT_RANGE)


def _simulate_paths(rng: np.random.Generator, deal: Deals, region: np.ndarray,
                    changed: np.ndarray) -> None:
    """Each deal's stage entries, its end (won, lost, stalled then lost, removed), close-date plan
    and revisions, and the day its amount changes. All draws are made up front, in bulk."""
    n = len(deal.created)
    outcome_mix = np.array([r[3] for r in REGIONS])
    cumulative = np.cumsum(outcome_mix, axis=1)
    outcome = (rng.random(n)[:, None] >= cumulative[region, :-1]).sum(axis=1)  # 0 won … 3 removed
    start_stage = 1 + rng.choice(3, n, p=START_STAGE_MIX)
    stop_stage = np.maximum(1 + rng.choice(OPEN_STAGES, n, p=STOP_STAGE_MIX), start_stage)
    pace = rng.lognormal(0.0, PACE_SIGMA, n)
    stage_days = np.maximum(1, np.round(rng.exponential(1.0, (n, OPEN_STAGES))
                                        * np.array(STAGE_DAYS) * pace[:, None])).astype(np.int64)
    close_days = np.maximum(1, np.round(rng.exponential(CLOSE_DAYS, n) * pace)).astype(np.int64)
    regress = rng.random(n) < REGRESSION_SHARE
    regress_back = rng.integers(3, 15, n)
    stall_work = rng.integers(0, STALL_WORK_DAYS + 1, n)
    cleanup = rng.integers(STALL_CLEANUP_DAYS[0], STALL_CLEANUP_DAYS[1] + 1, n)
    removed_after = rng.integers(REMOVED_AFTER_DAYS[0], REMOVED_AFTER_DAYS[1] + 1, n)
    first_estimate = rng.lognormal(np.log(CLOSE_ESTIMATE_BIAS), CLOSE_ESTIMATE_SIGMA, n)
    revision_u = rng.random((n, MAX_CLOSE_REVISIONS))
    revision_noise = rng.normal(0.0, 0.15, (n, MAX_CLOSE_REVISIONS))
    revision_stretch = rng.uniform(0.7, 1.4, (n, MAX_CLOSE_REVISIONS))
    change_u = rng.random(n)
    expected_stage_days = np.cumsum((0,) + STAGE_DAYS[::-1])[::-1]  # from stage k to the last

    ev_deal, ev_stage, ev_day = [], [], []
    for i in range(n):
        t = int(deal.created[i])
        stage = int(start_stage[i])
        won = outcome[i] == 0
        target = OPEN_STAGES if won else int(stop_stage[i])
        regress_at = max(stage + 1, 3) if regress[i] and target >= max(stage + 1, 3) else 0
        entries = [(stage, t)]
        while True:
            if stage == regress_at:  # a step back to the stage before, then this one again
                t += int(regress_back[i])
                entries.append((stage - 1, t))
                t += int(stage_days[i, stage - 2])
                entries.append((stage, t))
            if stage >= target:
                break
            t += int(stage_days[i, stage - 1])
            stage += 1
            entries.append((stage, t))
        if outcome[i] == 0:
            t_end = t + int(close_days[i])
            entries.append((WON_STAGE, t_end))
            deal.won_on[i] = t_end
            worked = t_end
        elif outcome[i] == 1:
            t_end = t + int(close_days[i])
            deal.lost_on[i] = t_end
            worked = t_end
        elif outcome[i] == 2:
            t_end = t + int(cleanup[i])
            deal.lost_on[i] = t_end
            worked = t + int(stall_work[i])
        else:
            t_end = t + int(removed_after[i])
            deal.removed_on[i] = t_end
            worked = t + int(stall_work[i])
        deal.worked_until[i] = worked
        created = int(deal.created[i])
        ev_deal += [i] * len(entries)
        ev_stage += [s for s, _ in entries]
        ev_day += [d for _, d in entries]

        # Close-date plan: an optimistic first estimate from the typical cycle, then revisions
        # while the deal is worked, towards the real end of a won deal or further out.
        typical = expected_stage_days[start_stage[i] - 1] + CLOSE_DAYS
        deal.close_plan[i, :] = created + max(14, round(typical * first_estimate[i]))
        revisions = min(MAX_CLOSE_REVISIONS, int((worked - created) / REVISION_DAYS))
        days = sorted(created + 1 + int(u * max(worked - created - 1, 1))
                      for u in revision_u[i, :revisions])
        for k, day in enumerate(days):
            if won:
                estimate = t_end + round(revision_noise[i, k] * (t_end - day))
            else:
                remaining = typical - (day - created)
                estimate = day + round(max(14, remaining * revision_stretch[i, k]))
            deal.close_revised_on[i, k] = day
            deal.close_plan[i, k + 1:] = max(day + 7, estimate)
        if changed[i] and t_end - created >= 2:
            deal.amount_changed_on[i] = created + 1 + int(change_u[i] * (t_end - created - 1))
    deal.event_deal = np.array(ev_deal, np.int64)
    deal.event_stage = np.array(ev_stage, np.int64)
    deal.event_day = np.array(ev_day, np.int64)


def build_orders(rng: np.random.Generator, deal: Deals, customers: Customers, reps: Reps,
                 newest: int) -> pa.Table:
    """One to three order lines per deal won by `newest`, dated on its closed date, revenue = the
    deal's amount then split over the lines; ids numbered in date order."""
    won = np.flatnonzero(deal.won_on <= newest)
    won = won[np.lexsort((won, deal.won_on[won]))]
    product_line = np.array([p[2] for p in PRODUCTS], dtype=object)
    line_products = [np.flatnonzero(product_line == k) for k in LINE_IDS]
    per_line = np.array([len(p) for p in line_products])
    lines = np.minimum(1 + rng.choice(len(LINES_PER_ORDER), len(won), p=LINES_PER_ORDER),
                       per_line[deal.line[won]])
    of = np.repeat(np.arange(len(won)), lines)  # the order (index into won) of each line
    d = won[of]
    n = len(d)
    first_line = np.r_[0, np.cumsum(lines)[:-1]]
    line_no = np.arange(n) - first_line[of] + 1
    offset = rng.integers(0, 3, len(won))[of]
    product = np.array([line_products[l][(o + k - 1) % len(line_products[l])]
                        for l, o, k in zip(deal.line[d].tolist(), offset.tolist(),
                                           line_no.tolist())], np.int64)

    amount = np.where(deal.amount_changed_on[d] <= deal.won_on[d], deal.amount_later[d],
                      deal.amount_first[d])
    weight = rng.gamma(2.0, 1.0, n)
    share = weight / np.bincount(of, weight)[of]
    revenue = np.round(amount * share, 2)
    last = np.r_[of[1:] != of[:-1], True]
    revenue[last] += np.round(amount[last] - np.bincount(of, revenue)[of[last]], 2)
    revenue = np.round(revenue, 2)

    special = rng.random(n) < SPECIAL_PRICE_SHARE
    discount = rng.beta(*DISCOUNT_BETA, n)
    deep = rng.random(n) < DEEP_DISCOUNT_SHARE
    discount[deep] = rng.uniform(*DEEP_DISCOUNT, deep.sum())
    extra = rng.uniform(*SPECIAL_PRICE_EXTRA, n)
    discount = np.round(np.clip(discount + special * extra, 0.0, 0.6), 4)
    list_price = np.array([p[4] for p in PRODUCTS])[product]
    quantity = np.maximum(1, np.round(revenue / (list_price * (1.0 - discount)))).astype(np.int64)
    line_margin = np.array([PRODUCT_LINES[k][5] for k in LINE_IDS])[deal.line[d]]
    base = np.where(np.isnan(deal.expected_margin_pct[d]), line_margin,
                    deal.expected_margin_pct[d])
    margin = np.clip(base + rng.normal(0.0, MARGIN_SIGMA, n) - special * extra,
                     *MARGIN_RANGE)
    cost = np.round(revenue * (1.0 - margin), 2)
    partner = rng.random(n) < np.where(deal.source[d] == "partner", PARTNER_CHANNEL["partner"],
                                       PARTNER_CHANNEL["other"])
    customer = deal.customer[d]
    return pa.table({
        "order_id": _ids("SO", of + 1, 6),
        "line_no": pa.array(line_no, pa.int32()),
        "order_date": _dates(deal.won_on[d]),
        "customer_id": pa.array(customers.customer_id[customer], pa.string()),
        "rep_id": pa.array(reps.rep_id[deal.rep[d]], pa.string()),
        "region_id": pa.array(_region_ids()[customers.region[customer]], pa.string()),
        "industry_id": pa.array(_industry_ids()[customers.industry[customer]], pa.string()),
        "product_id": pa.array(np.array([p[0] for p in PRODUCTS], dtype=object)[product],
                               pa.string()),
        "product_line": pa.array(product_line[product], pa.string()),
        "channel": pa.array(np.where(partner, "partner", "direct"), pa.string()),
        "quantity": pa.array(quantity, pa.int32()),
        "revenue": pa.array(revenue),
        "cost": pa.array(cost),
        "discount_pct": pa.array(discount),
        "special_price": pa.array(special),
        "opportunity_id": _ids("OPP", d + 1, 6),
    })


def _region_ids() -> np.ndarray:
    return np.array([r[0] for r in REGIONS], dtype=object)


def _industry_ids() -> np.ndarray:
    return np.array([i[0] for i in INDUSTRIES], dtype=object)


# ------------------------------------------------------------------------------------ snapshots

def snapshot_tables(world: CrmWorld, as_of: dt.date) -> dict[str, pa.Table]:
    """The CRM extract as it would have been taken on `as_of` (a Sunday on or before newest)."""
    day = day_number(as_of)
    reps, customers, deal = world.reps, world.customers, world.deals
    known = np.flatnonzero(customers.created <= day)
    present = (deal.created <= day) & (deal.removed_on > day)
    return {
        "regions": pa.table({
            "region_id": pa.array(_region_ids(), pa.string()),
            "name_en": pa.array([r[1] for r in REGIONS], pa.string()),
            "name_zh": pa.nulls(len(REGIONS), pa.string()),
            "region_group": pa.nulls(len(REGIONS), pa.string())}),
        "reps": pa.table({
            "rep_id": pa.array(reps.rep_id, pa.string()),
            "name": pa.array(reps.name, pa.string()),
            "role": pa.array(reps.role, pa.string()),
            "region_id": pa.array(_region_ids()[reps.region], pa.string()),
            "manager_id": pa.array(reps.rep_id[np.maximum(reps.manager, 0)], pa.string(),
                                   mask=reps.manager < 0),
            "active": pa.array(np.ones(len(reps.rep_id), bool))}),
        "products": pa.table({
            "product_id": pa.array([p[0] for p in PRODUCTS], pa.string()),
            "name": pa.array([p[1] for p in PRODUCTS], pa.string()),
            "product_line": pa.array([p[2] for p in PRODUCTS], pa.string()),
            "series": pa.array([p[3] for p in PRODUCTS], pa.string()),
            "list_price": pa.array([p[4] for p in PRODUCTS]),
            "standard_cost": pa.array([round(p[4] * p[5], 2) for p in PRODUCTS]),
            "high_margin": pa.array([p[6] for p in PRODUCTS])}),
        "customers": pa.table({
            "customer_id": pa.array(customers.customer_id[known], pa.string()),
            "name": pa.array(customers.name[known], pa.string()),
            "industry_id": pa.array(_industry_ids()[customers.industry[known]], pa.string()),
            "region_id": pa.array(_region_ids()[customers.region[known]], pa.string()),
            "owner_rep_id": pa.array(reps.rep_id[customers.owner[known]], pa.string()),
            "created_date": _dates(customers.created[known])}),
        "opportunities": opportunity_table(world, day, present),
        "opportunity_history": history_table(deal, day, present),
        "orders": world.orders.slice(0, int(np.searchsorted(world.order_days, day, side="right"))),
    }


def opportunity_table(world: CrmWorld, day: int, present: np.ndarray) -> pa.Table:
    """Each present deal's stage, status, expected close, amount and last activity on `day`."""
    deal, customers = world.deals, world.customers
    index = np.flatnonzero(present)
    last_entry = _last_events_on(deal, day)[index]
    stage = deal.event_stage[last_entry]
    won = deal.won_on[index] <= day
    lost = deal.lost_on[index] <= day
    closed = won | lost
    closed_on = np.where(won, deal.won_on[index], deal.lost_on[index])
    revisions = (deal.close_revised_on[index] <= day).sum(axis=1)
    expected_close = np.where(closed, closed_on, deal.close_plan[index, revisions])
    amount = np.where(deal.amount_changed_on[index] <= day, deal.amount_later[index],
                      deal.amount_first[index])
    created = deal.created[index]
    worked_to = np.minimum(day, deal.worked_until[index])
    touched = created + (worked_to - created) // deal.touch_every[index] * deal.touch_every[index]
    last_activity = np.maximum(touched, deal.event_day[last_entry])
    customer = deal.customer[index]
    margin = deal.expected_margin_pct[index]
    return pa.table({
        "opportunity_id": _ids("OPP", index + 1, 6),
        "name": pa.array(deal.name[index], pa.string()),
        "customer_id": pa.array(customers.customer_id[customer], pa.string()),
        "rep_id": pa.array(world.reps.rep_id[deal.rep[index]], pa.string()),
        "region_id": pa.array(_region_ids()[customers.region[customer]], pa.string()),
        "industry_id": pa.array(_industry_ids()[customers.industry[customer]], pa.string()),
        "product_line": pa.array(np.array(LINE_IDS, dtype=object)[deal.line[index]], pa.string()),
        "stage": pa.array(stage, pa.int32()),
        "status": pa.array(np.where(won, "won", np.where(lost, "lost", "open")), pa.string()),
        "amount": pa.array(amount),
        "expected_margin_pct": pa.array(margin, mask=np.isnan(margin)),
        "created_date": _dates(created),
        "expected_close_date": _dates(expected_close, missing=~closed & deal.no_close_date[index]),
        "closed_date": _dates(np.where(closed, closed_on, 0), missing=~closed),
        "source": pa.array(deal.source[index], pa.string()),
        "last_activity_date": _dates(last_activity, missing=deal.no_activity[index]),
    })


def _last_events_on(deal: Deals, day: int) -> np.ndarray:
    """Index into the events of each deal's last stage entry on or before `day` (-1: none)."""
    upto = np.flatnonzero(deal.event_day <= day)
    who = deal.event_deal[upto]
    last = upto[np.r_[who[1:] != who[:-1], True]] if len(upto) else upto
    out = np.full(len(deal.created), -1, np.int64)
    out[deal.event_deal[last]] = last
    return out


def history_table(deal: Deals, day: int, present: np.ndarray) -> pa.Table:
    """One row each time a present deal entered a stage, up to `day` (won = stage 9)."""
    keep = (deal.event_day <= day) & present[deal.event_deal]
    return pa.table({
        "opportunity_id": _ids("OPP", deal.event_deal[keep] + 1, 6),
        "stage": pa.array(deal.event_stage[keep], pa.int32()),
        "entered_date": _dates(deal.event_day[keep]),
    })


# -------------------------------------------------------------------------------- vocabulary file

def config_text() -> str:
    """``<data dir>/config.toml``: the vocabulary of this company (SPEC §9)."""
    def string(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string

    def strings(values) -> str:
        return "[" + ", ".join(string(v) for v in values) + "]"

    lines = [
        "# Vocabulary of the CRM demo company, written by python -m data.demo --profile crm.",
        "",
        "[business]",
        f"currency = {string(CURRENCY)}",
        f"fiscal_year_start_month = {FISCAL_YEAR_START_MONTH}",
        'fiscal_year_named_by = "start"',
        f"key_opportunity_min = {KEY_OPPORTUNITY_MIN}",
        "",
        "[stages]",
        f"names_en = {strings(s[0] for s in STAGES)}",
        f"names_zh = {strings(s[1] for s in STAGES)}",
        "probabilities = [" + ", ".join(f"{s[2]:.2f}" for s in STAGES) + "]",
    ]
    for line_id, (name_en, name_zh, floor, *_) in PRODUCT_LINES.items():
        lines += ["", f"[product_lines.{line_id}]", f"name_en = {string(name_en)}"]
        if name_zh is not None:
            lines.append(f"name_zh = {string(name_zh)}")
        if floor is not None:
            lines.append(f"margin_floor = {floor:.2f}")
    return "\n".join(lines) + "\n"


def write_config(data_dir: Path) -> Path:
    """Write the vocabulary file atomically; an existing file with other content is left alone
    (someone may have edited it) and a notice printed."""
    path = Path(data_dir) / "config.toml"
    text = config_text()
    if path.exists():
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            print(f"{path} exists with other content, left unchanged")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------------------------- entry point

def generate(data_dir: Path, as_of: dt.date, weeks: int = 8, deals: int = DEALS,
             seed: int = 42) -> list[Path]:
    """Write config.toml and one snapshot per week for the `weeks` ISO weeks ending with the week
    of `as_of`. Existing snapshots are left alone; returns all requested folders, oldest first."""
    write_config(Path(data_dir))
    return write_weeks(data_dir, as_of, weeks,
                       lambda newest, first: build_world(newest, deals, seed), snapshot_tables,
                       f"data.demo crm profile (seed={seed}, deals={deals}, "
                       f"newest as_of={{newest}})")
