"""Strings of sign-in and scope (SPEC §11)."""

STRINGS: dict[str, dict[str, str]] = {
    "auth.sign_in": {"en": "Sign in", "zh": "登录"},
    "auth.sign_in.text": {
        "en": "Sign in with your company account to see the numbers you are responsible for.",
        "zh": "请使用公司账号登录，查看您负责范围内的数据。"},
    "auth.sign_out": {"en": "Sign out", "zh": "退出登录"},
    "auth.open": {"en": "Demo — no sign-in: everyone with the address sees all data.",
                  "zh": "演示模式——未启用登录：任何拿到地址的人都能看到全部数据。"},
    "auth.signed_in": {"en": "Signed in as **{name}** · {scope}",
                       "zh": "当前用户：**{name}** · {scope}"},
    "auth.unknown": {
        "en": "You are signed in as {who}, but the access list does not name you, so no data is "
              "shown. Ask the Sales Cockpit administrator to add you, then sign in again.",
        "zh": "您已登录为 {who}，但访问名单中没有您，因此不显示任何数据。请联系销售驾驶舱管理员添加后重新登录。"},
    "auth.access_error": {
        "en": "The access list cannot be used, so no data is shown: {error}",
        "zh": "访问名单无法使用，因此不显示任何数据：{error}"},
    "auth.scope.all": {"en": "all regions", "zh": "全部区域"},
    "auth.scope.executive": {"en": "Executive · all regions", "zh": "高管 · 全部区域"},
    "auth.scope.admin": {"en": "Administrator · all regions, import", "zh": "管理员 · 全部区域及导入"},
    "auth.scope.lead": {"en": "Regional lead · {regions}", "zh": "区域负责人 · {regions}"},
    "auth.scope.rep": {"en": "Rep {rep} · own deals, customers and orders (regional targets "
                              "not included)",
                       "zh": "销售 {rep} · 本人商机、客户与订单（不含区域目标）"},
    "auth.narrowed": {
        "en": "This link asks for {asked}, outside what you may see ({scope}); showing your "
              "scope instead.",
        "zh": "该链接请求的 {asked} 超出您的查看范围（{scope}），已改为显示您的范围。"},
    "chips.scope": {"en": "Everything you may see: {scope}.", "zh": "您可查看的全部范围：{scope}。"},
    "auth.import_admin_only": {
        "en": "Importing data is for administrators.",
        "zh": "仅管理员可以导入数据。"},
    "auth.ranking_only": {
        "en": "{region} is outside your regions: its rank and total are published to every lead, "
              "its details are not.",
        "zh": "{region} 不在您负责的区域内：其排名和总分向所有区域负责人公布，明细不公开。"},
}
