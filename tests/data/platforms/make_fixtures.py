"""Regenerate the platform-export fixtures in this folder: ``python tests/data/platforms/make_fixtures.py``.

Column lists follow what each platform documents for its order export; every value is made up.
The planted orders are written out below as literal tables (the expected results in README.md are
computed from them by hand); only filler cells (addresses, logistics numbers...) come from a
seeded random stream, so the files are byte-identical on every run.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
rng = random.Random(20240305)


def _cell(value: str) -> str:
    """A CSV cell as platforms write it: Excel guards (="…") stay bare, other cells quoted when needed."""
    if value.startswith('="') and value.endswith('"'):
        return value
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_rows(name: str, header: list[str], rows: list[dict[str, str]], *, encoding: str = "utf-8",
               delimiter: str = ",") -> None:
    """Write ``rows`` (dicts keyed by header; missing keys are empty cells) with CRLF line ends."""
    lines = [delimiter.join(_cell(h) for h in header)]
    for row in rows:
        lines.append(delimiter.join(_cell(str(row.get(h.strip(), ""))) for h in header))
    (HERE / name).write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def write_plain(name: str, header: list[str], rows: list[list[str]], *, delimiter: str = ",",
                encoding: str = "utf-8") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def street() -> str:
    return rng.choice(["人民路", "中山路", "解放路", "建设路", "和平路"]) + f"{rng.randint(1, 999)}号"


# --------------------------------------------------------------------------------------------------------
# Taobao / Tmall 订单报表: one row per order, GBK, 60+ columns, ="…" ids, trailing blanks in headers.
TAOBAO_HEADER = [
    "订单编号 ", "买家会员名 ", "买家支付宝账号 ", "支付单号", "支付详情", "买家应付货款", "买家应付邮费",
    "买家支付积分",
    "总金额", "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态 ", "买家留言", "收货人姓名 ", "收货地址 ",
    "运送方式", "联系电话 ", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ",
    "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头",
    "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名",
    "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "新零售交易类型",
    "新零售导购门店id", "新零售导购门店名称", "新零售导购人员id", "新零售发货门店id", "新零售发货门店名称", "退款金额",
    "预约门店", "确认收货时间", "打款商家金额", "含应开票给个人的个人红包", "是否支持家装安装服务", "家装安装服务商",
    "是否代销", "订单类型", "币种", "赠品", "周期购",
]
# buyer, consignee, mobile (masked?), created, status, goods, postage, discount, refund, qty, title
TAOBAO_ORDERS = [
    ("小雨爱吃鱼", "王小雨", "13812345678", "2024-01-03 09:12:40", "交易成功", 128.00, 0.00, 10.00, 0.00, 2,
     "云南小粒咖啡豆 500g"),
    ("小雨爱吃鱼", "王小雨", "13812345678", "2024-02-14 20:01:05", "交易成功", 59.90, 8.00, 0.00, 0.00, 1,
     "手冲滤纸 100张"),
    ("小雨爱吃鱼", "王小雨", "13812345678", "2024-03-02 11:30:00", "交易关闭", 99.00, 0.00, 0.00, 0.00, 1, "陶瓷滤杯"),
    ("tb_8823719", "李明", "139****2233", "2024-01-20 15:45:10", "交易成功", 256.00, 0.00, 20.00, 30.00, 4,
     "云南小粒咖啡豆 500g"),
    ("tb_8823719", "李明", "139****2233", "2024-03-10 08:05:33", "卖家已发货，等待买家确认", 45.00, 6.00, 0.00, 0.00,
     1, "挂耳咖啡 10片装"),
    ("阿明同学", "赵阿明", "13700001111", "2024-02-01 12:00:00", "交易成功", 35.50, 0.00, 0.00, 0.00, 1,
     "挂耳咖啡 10片装"),
    ("阿明同学", "赵阿明", "13700001111", "2024-02-28 21:10:44", "等待买家付款", 128.00, 0.00, 0.00, 0.00, 2,
     "云南小粒咖啡豆 500g"),
    ("lily_2019", "林丽", "150****8899", "2024-01-08 10:10:10", "交易成功", 399.00, 0.00, 40.00, 0.00, 1, "手摇磨豆机"),
    ("lily_2019", "林丽", "150****8899", "2024-01-25 10:20:30", "交易成功", 59.90, 8.00, 0.00, 0.00, 1,
     "手冲滤纸 100张"),
    ("lily_2019", "林丽", "150****8899", "2024-03-15 18:00:00", "交易成功", 128.00, 0.00, 0.00, 0.00, 2,
     "云南小粒咖啡豆 500g"),
    ("快乐的猫", "陈静", "18611112222", "2024-03-01 09:00:00", "交易关闭", 45.00, 6.00, 0.00, 51.00, 1,
     "挂耳咖啡 10片装"),
    ("星空下的约定", "周星", "13566667777", "2024-02-10 13:14:15", "交易成功", 88.00, 0.00, 8.00, 0.00, 1,
     "冷萃咖啡液"),
    ("jack_chen88", "陈杰", "182****3456", "2024-01-15 16:16:16", "交易成功", 45.00, 6.00, 0.00, 0.00, 1,
     "挂耳咖啡 10片装"),
    ("jack_chen88", "陈杰", "182****3456", "2024-02-15 16:16:16", "交易成功", 45.00, 6.00, 0.00, 0.00, 1,
     "挂耳咖啡 10片装"),
    ("jack_chen88", "陈杰", "182****3456", "2024-03-15 16:16:16", "交易成功", 45.00, 6.00, 0.00, 0.00, 1,
     "挂耳咖啡 10片装"),
    ("我是小王", "王伟", "13312341234", "2024-03-18 22:22:22", "等待买家付款", 399.00, 0.00, 0.00, 0.00, 1,
     "手摇磨豆机"),
    ("糖果屋", "唐果", "13988887777", "2024-01-30 07:30:00", "交易成功", 176.00, 0.00, 16.00, 0.00, 2, "冷萃咖啡液"),
]


def taobao() -> None:
    rows = []
    for i, (buyer, consignee, mobile, created, status, goods, postage, discount, refund, qty, title) in enumerate(
            TAOBAO_ORDERS):
        order_no = f"243{5000000000000000 + 7919 * (i + 1) * 104729:016d}"[:19]
        unpaid = status == "等待买家付款"
        closed = status == "交易关闭"
        total = goods + postage
        paid = 0.0 if closed and not refund else total - discount
        alipay = masked(mobile) if "*" not in mobile and i % 2 else f"{rng.choice('abcdwxyz')}***@163.com"
        pay_time = "" if unpaid or (closed and not refund) else created[:-2] + f"{int(created[-2:]) // 2 + 29:02d}"
        rows.append({
            "订单编号": f'="{order_no}"', "买家会员名": buyer, "买家支付宝账号": alipay,
            "支付单号": f'="{rng.randint(10**27, 10**28 - 1)}"' if pay_time else "",
            "支付详情": "" if not pay_time else f"支付宝:{paid:.2f}",
            "买家应付货款": f"{goods:.2f}", "买家应付邮费": f"{postage:.2f}", "买家支付积分": "0",
            "总金额": f"{total:.2f}", "返点积分": "0", "买家实际支付金额": f"{paid:.2f}", "买家实际支付积分": "0",
            "订单状态": status, "收货人姓名": consignee,
            "收货地址": f"浙江省 杭州市 西湖区 {street()}({rng.randint(310000, 310099)})",
            "运送方式": "快递", "联系电话": "", "联系手机": f"'{mobile}" if "*" not in mobile else mobile,
            "订单创建时间": created, "订单付款时间": pay_time, "宝贝标题": title, "宝贝种类": "1",
            "物流单号": "" if unpaid or closed else f"No:YT{rng.randint(10**12, 10**13 - 1)}",
            "物流公司": "" if unpaid or closed else "圆通速递", "宝贝总数量": str(qty), "店铺Id": "0",
            "店铺名称": "豆子咖啡旗舰店", "订单关闭原因": "买家不想买了" if closed else "订单未关闭",
            "卖家服务费": "0", "买家服务费": "0元", "是否手机订单": "手机订单" if i % 3 else "",
            "退款金额": f"{refund:.2f}", "确认收货时间": "" if status != "交易成功" else created,
            "打款商家金额": f"{paid - refund:.2f}元" if status == "交易成功" else "0.00元",
            "订单类型": "普通订单", "币种": "CNY",
        })
    write_rows("taobao_orders.csv", TAOBAO_HEADER, rows, encoding="gbk")


# --------------------------------------------------------------------------------------------------------
# Shopify orders export: one row per line item; order-level fields only on the order's first row.
SHOPIFY_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
    "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
    "Billing Name", "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City",
    "Billing Zip", "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes", "Cancelled at",
    "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Outstanding Balance", "Employee",
    "Location", "Device ID", "Id", "Tags", "Risk Level", "Source", "Lineitem discount", "Tax 1 Name",
    "Tax 1 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name",
    "Payment ID", "Payment Terms Name", "Next Payment Due At", "Payment References",
]
SHOPIFY_CUSTOMERS = {  # email: billing name, phone, city, province, country, zip, accepts marketing
    "ava.miller@example.com": ("Ava Miller", "+1 617-555-0142", "Boston", "MA", "US", "02134", "yes"),
    "ben.okafor@example.com": ("Ben Okafor", "+1 212-555-0199", "New York", "NY", "US", "10001", "no"),
    "chloe.dupont@example.com": ("Chloe Dupont", "+1 514-555-0123", "Montreal", "QC", "CA", "H2X 1Y4", "yes"),
    "dan.wu@example.com": ("Dan Wu", "", "Seattle", "WA", "US", "98101", "no"),
    "emma.stone@example.com": ("Emma Stone", "+44 20 7946 0018", "London", "", "GB", "SW1A 1AA", "yes"),
}
# name, email, created, financial status, refunded, shipping, discount, [(qty, item, price, sku)]
SHOPIFY_ORDERS = [
    ("#1001", "ava.miller@example.com", "2024-03-05 14:02:11 -0500", "paid", 0.0, 5.0, 0.0,
     [(2, "Ethiopia Beans 250g", 14.50, "BEAN-ETH"), (1, "Paper Filters", 4.00, "FLT-100")]),
    ("#1002", "ben.okafor@example.com", "2024-03-06 09:15:00 -0500", "paid", 0.0, 0.0, 0.0,
     [(1, "Hand Grinder", 45.00, "GRD-01")]),
    ("#1003", "ava.miller@example.com", "2024-03-20 23:45:00 -0400", "partially_refunded", 9.0, 5.0, 0.0,
     [(3, "Ethiopia Beans 250g", 14.50, "BEAN-ETH"), (1, "Cold Brew Bottle", 9.00, "CB-1"),
      (2, "Paper Filters", 4.00, "FLT-100")]),
    ("#1004", "chloe.dupont@example.com", "2024-03-21 10:00:00 -0400", "voided", 0.0, 5.0, 0.0,
     [(1, "Hand Grinder", 45.00, "GRD-01"), (1, "Paper Filters", 4.00, "FLT-100")]),
    ("#1005", "dan.wu@example.com", "2024-03-22 18:30:00 -0700", "pending", 0.0, 0.0, 0.0,
     [(2, "Cold Brew Bottle", 9.00, "CB-1")]),
    ("#1006", "emma.stone@example.com", "2024-04-01 08:00:00 +0100", "paid", 0.0, 8.0, 5.0,
     [(1, "Ethiopia Beans 250g", 14.50, "BEAN-ETH"), (1, "Colombia Beans 250g", 13.00, "BEAN-COL")]),
    ("#1007", "ben.okafor@example.com", "2024-04-02 12:00:00 -0400", "refunded", 26.0, 0.0, 0.0,
     [(2, "Colombia Beans 250g", 13.00, "BEAN-COL")]),
    ("#1008", "chloe.dupont@example.com", "2024-04-03 07:59:59 -0400", "paid", 0.0, 5.0, 0.0,
     [(1, "Colombia Beans 250g", 13.00, "BEAN-COL")]),
]


def shopify() -> None:
    rows = []
    for k, (name, email, created, status, refunded, shipping, discount, items) in enumerate(SHOPIFY_ORDERS):
        bname, phone, city, prov, country, zipc, marketing = SHOPIFY_CUSTOMERS[email]
        subtotal = sum(q * p for q, _, p, _ in items) - discount
        taxes = round(subtotal * 0.0625, 2)
        total = subtotal + shipping + taxes
        for j, (qty, item, price, sku) in enumerate(items):
            row = {"Name": name, "Email": email, "Created at": created, "Lineitem quantity": str(qty),
                   "Lineitem name": item, "Lineitem price": f"{price:.2f}", "Lineitem sku": sku,
                   "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                   "Lineitem fulfillment status": "fulfilled" if status == "paid" else "pending",
                   "Lineitem discount": "0.00", "Vendor": "Bean Shop"}
            if j == 0:
                placed = datetime.strptime(created[:19], "%Y-%m-%d %H:%M:%S")
                paid_at = "" if status in ("pending", "voided") else (
                    (placed + timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S") + created[19:])
                row.update({
                    "Financial Status": status, "Paid at": paid_at,
                    "Fulfillment Status": "fulfilled" if status == "paid" else "unfulfilled",
                    "Accepts Marketing": marketing, "Currency": "USD", "Subtotal": f"{subtotal:.2f}",
                    "Shipping": f"{shipping:.2f}", "Taxes": f"{taxes:.2f}", "Total": f"{total:.2f}",
                    "Discount Code": "SPRING5" if discount else "", "Discount Amount": f"{discount:.2f}",
                    "Shipping Method": "Standard", "Billing Name": bname,
                    "Billing Street": f"{rng.randint(1, 99)} Main St",
                    "Billing Address1": f"{rng.randint(1, 99)} Main St",
                    "Billing City": city, "Billing Zip": f"'{zipc}" if zipc[0] == "0" else zipc,
                    "Billing Province": prov, "Billing Country": country, "Billing Phone": phone,
                    "Shipping Name": bname, "Shipping City": city, "Shipping Province": prov,
                    "Shipping Country": country, "Shipping Phone": phone,
                    "Cancelled at": created if status == "voided" else "",
                    "Payment Method": "Shopify Payments", "Payment Reference": f"c{rng.randint(10**9, 10**10)}.1",
                    "Refunded Amount": f"{refunded:.2f}", "Outstanding Balance": "0.00",
                    "Id": str(5600000000000 + 1000 * k + 17), "Tags": "", "Risk Level": "Low", "Source": "web",
                    "Tax 1 Name": "MA State Tax 6.25%", "Tax 1 Value": f"{taxes:.2f}", "Phone": "",
                    "Billing Province Name": prov, "Shipping Province Name": prov,
                })
            rows.append(row)
    write_rows("shopify_orders.csv", SHOPIFY_HEADER, rows)


# --------------------------------------------------------------------------------------------------------
# JD 订单导出: one row per SKU; 订单金额 / 结算金额 / 应付金额 / 运费金额 repeat the order's figures on each SKU row.
JD_HEADER = [
    "订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额", "余额支付",
    "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注", "发票类型",
    "发票抬头", "发票内容", "商家备注", "商家备注等级（等级1-5为由高到低）", "运费金额", "付款确认时间", "增值税发票",
    "货号", "订单完成时间", "订单来源", "订单渠道", "安装服务", "服务费", "仓库ID", "仓库名称", "是否藏匿", "京豆",
]
JD_PRODUCTS = {"100012": ("挂耳咖啡 10片装", 39.90), "100034": ("云南小粒咖啡豆 500g", 69.00),
               "100056": ("手冲滤纸 100张", 19.90), "100078": ("手摇磨豆机", 299.00)}
# Coupons (优惠券) taken off an order: 应付金额 (payable) = goods + freight - coupon; 订单金额 stays the list total.
JD_COUPONS = {"290011223307": 20.00}
# order, account, name, phone, created, status, freight, [(sku, qty)]
JD_ORDERS = [
    ("290011223301", "jd_4a7c2b91", "刘洋", "13811116198", "2024-02-01 10:00:00", "完成", 0.0,
     [("100012", 2), ("100056", 1)]),
    ("290011223302", "jd_4a7c2b91", "刘洋", "13811116198", "2024-03-05 19:30:00", "完成", 6.0,
     [("100034", 1)]),
    ("290011223303", "mary_h", "黄梅", "13922224321", "2024-02-11 11:11:11", "完成", 0.0,
     [("100078", 1), ("100034", 2), ("100056", 3)]),
    ("290011223304", "mary_h", "黄梅", "13922224321", "2024-03-01 08:00:00", "已取消", 0.0,
     [("100012", 1), ("100056", 1)]),
    ("290011223305", "笑笑生", "孙笑", "18633335555", "2024-02-20 20:20:20", "等待付款", 0.0,
     [("100034", 1), ("100012", 1)]),
    ("290011223306", "jd_77aa0012", "郑凯", "15044447777", "2024-01-28 09:09:09", "完成", 6.0,
     [("100012", 1)]),
    ("290011223307", "jd_77aa0012", "郑凯", "15044447777", "2024-03-09 14:00:00", "等待确认收货", 0.0,
     [("100034", 2), ("100012", 2)]),
]


def jd() -> None:
    rows = []
    for order, account, name, phone, created, status, freight, skus in JD_ORDERS:
        total = round(sum(JD_PRODUCTS[s][1] * q for s, q in skus), 2)
        unpaid = status in ("等待付款", "已取消")
        address = f"北京 朝阳区 {street()}"
        payable = total + freight - JD_COUPONS.get(order, 0.0)
        for sku, qty in skus:
            title, price = JD_PRODUCTS[sku]
            rows.append({
                "订单号": f'="{order}"', "商品ID": sku, "商品名称": title, "订购数量": str(qty), "支付方式": "在线支付",
                "下单时间": created, "京东价": f"{price:.2f}", "订单金额": f"{total + freight:.2f}",
                "结算金额": f"{total:.2f}", "余额支付": "0.00", "应付金额": f"{payable:.2f}",
                "订单状态": status, "订单类型": "普通订单", "下单帐号": account, "客户姓名": name,
                "客户地址": address, "联系电话": phone[0] + "******" + phone[-4:],
                "发票类型": "电子发票", "发票抬头": "个人", "发票内容": "明细", "运费金额": f"{freight:.2f}",
                "付款确认时间": "" if unpaid else created, "货号": f"HH-{sku}",
                "订单完成时间": created if status == "完成" else "", "订单来源": "移动端", "订单渠道": "京东商城",
                "仓库ID": "0", "是否藏匿": "否", "京豆": "0",
            })
    write_rows("jd_orders.csv", JD_HEADER, rows, encoding="utf-8-sig")


# --------------------------------------------------------------------------------------------------------
# Youzan 有赞 订单导出 (商品维度): one row per item; 订单实付金额 repeats the order's paid total on each item row.
YOUZAN_HEADER = [
    "订单号", "订单状态", "订单创建时间", "买家付款时间", "买家昵称", "买家手机号", "收货人/提货人",
    "收货人手机号/提货人手机号", "详细收货地址/提货地址", "商品名称", "商品规格", "商品编码", "商品数量", "商品单价",
    "商品优惠", "商品实际成交金额", "订单商品总金额", "订单运费", "订单实付金额", "订单退款状态", "订单已退款金额",
    "归属店铺", "买家备注", "商家订单备注", "销售渠道", "外部订单号",
]
# order, nickname, phone, created, status, [(title, qty, price, discount)], postage
YOUZAN_ORDERS = [
    ("E20240301100001", "晴天", "13800138000", "2024-03-01 10:00:00", "交易成功",
     [("燕麦拿铁", 2, 18.00, 2.00), ("可颂", 1, 12.00, 0.00)], 0.0),
    ("E20240302100002", "晴天", "13800138000", "2024-03-02 15:30:00", "交易成功", [("美式咖啡", 1, 15.00, 0.00)], 5.0),
    ("E20240303100003", "阿福", "13900139000", "2024-03-03 08:45:00", "交易成功",
     [("美式咖啡", 2, 15.00, 3.00), ("燕麦拿铁", 1, 18.00, 0.00), ("可颂", 2, 12.00, 0.00)], 0.0),
    ("E20240304100004", "阿福", "13900139000", "2024-03-04 09:00:00", "已关闭", [("可颂", 3, 12.00, 0.00)], 0.0),
    ("E20240305100005", "小鹿", "13700137000", "2024-03-05 12:00:00", "待付款", [("燕麦拿铁", 1, 18.00, 0.00)], 0.0),
    ("E20240306100006", "小鹿", "13700137000", "2024-03-06 12:10:00", "交易成功",
     [("燕麦拿铁", 1, 18.00, 0.00), ("美式咖啡", 1, 15.00, 0.00)], 0.0),
]


def youzan() -> None:
    rows = []
    for order, nick, phone, created, status, items, postage in YOUZAN_ORDERS:
        goods = sum(q * p - d for _, q, p, d in items)
        paid = status == "交易成功"
        address = f"上海市 徐汇区 {street()}"
        for title, qty, price, discount in items:
            rows.append({
                "订单号": order, "订单状态": status, "订单创建时间": created,
                "买家付款时间": created.replace(":00", ":05", 1) if paid else "", "买家昵称": nick, "买家手机号": phone,
                "收货人/提货人": nick + "本人", "收货人手机号/提货人手机号": phone,
                "详细收货地址/提货地址": address, "商品名称": title, "商品规格": "标准",
                "商品编码": "", "商品数量": str(qty), "商品单价": f"{price:.2f}", "商品优惠": f"{discount:.2f}",
                "商品实际成交金额": f"{qty * price - discount:.2f}", "订单商品总金额": f"{goods:.2f}",
                "订单运费": f"{postage:.2f}", "订单实付金额": f"{goods + postage:.2f}" if paid else "0.00",
                "订单退款状态": "", "订单已退款金额": "0.00", "归属店铺": "豆子咖啡(徐汇店)", "销售渠道": "微商城",
            })
    write_rows("youzan_orders.csv", YOUZAN_HEADER, rows, encoding="utf-8-sig")


# --------------------------------------------------------------------------------------------------------
# WooCommerce "Order Export" (one row per product): order figures repeat on each product row.
WOO_HEADER = [
    "Order ID", "Order Number", "Order Status", "Order Date", "Paid Date", "Customer Note", "First Name (Billing)",
    "Last Name (Billing)", "Company (Billing)", "Address 1&2 (Billing)", "City (Billing)", "State Code (Billing)",
    "Postcode (Billing)", "Country Code (Billing)", "Email (Billing)", "Phone (Billing)", "First Name (Shipping)",
    "Last Name (Shipping)", "Address 1&2 (Shipping)", "City (Shipping)", "State Code (Shipping)",
    "Postcode (Shipping)", "Country Code (Shipping)", "Payment Method Title", "Cart Discount Amount",
    "Order Subtotal Amount", "Shipping Method Title", "Order Shipping Amount", "Order Refund Amount",
    "Order Total Amount", "Order Total Tax Amount", "SKU", "Item #", "Item Name", "Quantity (- Refund)",
    "Item Cost", "Coupon Code", "Discount Amount", "Discount Amount Tax",
]
WOO_CUSTOMERS = {
    "sofia@example.org": ("Sofia", "Rossi", "Milano", "MI", "IT", "+39 02 1234 5678"),
    "liam@example.org": ("Liam", "Murphy", "Dublin", "D", "IE", "+353 1 555 0101"),
    "noah@example.org": ("Noah", "Schmidt", "Berlin", "BE", "DE", "+49 30 1234567"),
    "olivia@example.org": ("Olivia", "Brown", "Leeds", "", "GB", "+44 113 496 0000"),
}
# order id, email, date, status, refund, [(sku, name, qty, cost)]
WOO_ORDERS = [
    (3101, "sofia@example.org", "2024-02-01 10:00", "Completed", 0.0,
     [("MUG-01", "Ceramic Mug", 2, 12.00), ("TEA-GR", "Green Tea 100g", 1, 8.50)]),
    (3102, "liam@example.org", "2024-02-03 11:30", "Processing", 0.0, [("TEA-BL", "Black Tea 100g", 3, 7.00)]),
    (3103, "sofia@example.org", "2024-02-10 09:15", "Completed", 8.50,
     [("TEA-GR", "Green Tea 100g", 2, 8.50), ("POT-01", "Glass Teapot", 1, 30.00)]),
    (3104, "noah@example.org", "2024-02-11 16:00", "Cancelled", 0.0, [("POT-01", "Glass Teapot", 1, 30.00)]),
    (3105, "noah@example.org", "2024-02-12 16:05", "Failed", 0.0, [("POT-01", "Glass Teapot", 1, 30.00)]),
    (3106, "olivia@example.org", "2024-02-14 20:00", "Refunded", 24.00, [("MUG-01", "Ceramic Mug", 2, 12.00)]),
    (3107, "olivia@example.org", "2024-02-20 08:00", "Pending payment", 0.0, [("TEA-BL", "Black Tea 100g", 1, 7.00)]),
    (3108, "liam@example.org", "2024-03-01 12:00", "On hold", 0.0, [("MUG-01", "Ceramic Mug", 1, 12.00)]),
    (3109, "liam@example.org", "2024-03-02 12:00", "Completed", 0.0,
     [("MUG-01", "Ceramic Mug", 1, 12.00), ("TEA-BL", "Black Tea 100g", 2, 7.00),
      ("TEA-GR", "Green Tea 100g", 1, 8.50)]),
]


def woocommerce() -> None:
    rows = []
    for order, email, when, status, refund, items in WOO_ORDERS:
        first, last, city, state, country, phone = WOO_CUSTOMERS[email]
        subtotal = sum(q * c for _, _, q, c in items)
        address = f"Via Roma {rng.randint(1, 99)}"
        for n, (sku, item, qty, cost) in enumerate(items, start=1):
            rows.append({
                "Order ID": str(order), "Order Number": str(order), "Order Status": status, "Order Date": when,
                "Paid Date": when if status in ("Completed", "Processing", "Refunded") else "",
                "First Name (Billing)": first, "Last Name (Billing)": last,
                "Address 1&2 (Billing)": address, "City (Billing)": city,
                "State Code (Billing)": state, "Postcode (Billing)": str(rng.randint(10000, 99999)),
                "Country Code (Billing)": country, "Email (Billing)": email, "Phone (Billing)": phone,
                "First Name (Shipping)": first, "Last Name (Shipping)": last, "City (Shipping)": city,
                "Country Code (Shipping)": country, "Payment Method Title": "Credit Card",
                "Cart Discount Amount": "0", "Order Subtotal Amount": f"{subtotal:.2f}",
                "Shipping Method Title": "Flat rate", "Order Shipping Amount": "4.00",
                "Order Refund Amount": f"{refund:.2f}", "Order Total Amount": f"{subtotal + 4:.2f}",
                "Order Total Tax Amount": "0.00", "SKU": sku, "Item #": str(n), "Item Name": item,
                "Quantity (- Refund)": str(qty), "Item Cost": f"{cost:.2f}", "Discount Amount": "0",
                "Discount Amount Tax": "0",
            })
    write_rows("woocommerce_orders.csv", WOO_HEADER, rows)


# --------------------------------------------------------------------------------------------------------
# Square "Item Details" export: date and time in separate columns, $ amounts, Qty "1.0", walk-ins, refunds.
SQUARE_HEADER = [
    "Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name", "SKU", "Modifiers Applied",
    "Gross Sales", "Discounts", "Net Sales", "Tax", "Transaction ID", "Payment ID", "Device Name", "Notes",
    "Details", "Event Type", "Location", "Dining Option", "Customer ID", "Customer Name", "Customer Reference ID",
    "Unit", "Count", "Itemization Type", "Commission", "Employee", "Fulfillment Note", "Channel", "Token",
    "Card Brand", "PAN Suffix",
]
SQUARE_MENU = {"Latte": ("Coffee", 5.50), "Espresso": ("Coffee", 3.00), "Croissant": ("Bakery", 4.25),
               "Muffin": ("Bakery", 3.75)}
# date, time, transaction, customer id, customer name, event, [(item, qty, discount)]
SQUARE_SALES = [
    ("2024-03-04", "08:01:12", "TX1", "CUST-7F2K", "Grace Lee", "Payment", [("Latte", 1, 0.0), ("Croissant", 1, 0.0)]),
    ("2024-03-04", "08:15:40", "TX2", "", "", "Payment", [("Espresso", 2, 0.0)]),
    ("2024-03-05", "09:30:00", "TX3", "CUST-9Q1Z", "Omar Haddad", "Payment", [("Latte", 2, 0.5)]),
    ("2024-03-06", "12:05:09", "TX4", "CUST-7F2K", "Grace Lee", "Payment", [("Muffin", 1, 0.0)]),
    ("2024-03-06", "17:45:00", "TX5", "", "", "Payment", [("Latte", 1, 0.0), ("Muffin", 2, 0.0)]),
    ("2024-03-07", "07:59:59", "TX6", "CUST-3B8D", "Mia Santos", "Payment", [("Croissant", 3, 0.0)]),
    ("2024-03-07", "10:20:00", "TX7", "CUST-3B8D", "Mia Santos", "Refund", [("Croissant", -1, 0.0)]),
    ("2024-03-08", "15:00:00", "TX8", "CUST-9Q1Z", "Omar Haddad", "Payment",
     [("Espresso", 1, 0.0), ("Croissant", 1, 0.0)]),
]


def _dollars(value: float) -> str:
    return f"-${-value:.2f}" if value < 0 else f"${value:.2f}"


def square() -> None:
    rows = []
    for date, time, tx, cust, cname, event, items in SQUARE_SALES:
        tx_id = f"{tx}{rng.randint(10**9, 10**10):x}ZzQ"
        for item, qty, discount in items:
            category, price = SQUARE_MENU[item]
            gross = qty * price
            net = gross - discount
            rows.append({
                "Date": date, "Time": time, "Time Zone": "Eastern Time (US & Canada)", "Category": category,
                "Item": item, "Qty": f"{qty:.1f}", "Price Point Name": rng.choice(["Regular", "Large", "Small"]),
                "SKU": "", "Modifiers Applied": rng.choice(["", "Oat Milk", "Extra Shot"]),
                "Gross Sales": _dollars(gross), "Discounts": _dollars(-discount) if discount else "$0.00",
                "Net Sales": _dollars(net), "Tax": _dollars(round(net * 0.08, 2)), "Transaction ID": tx_id,
                "Payment ID": f"p{rng.randint(10**9, 10**10):x}", "Device Name": "Front Counter",
                "Details": f"https://squareup.com/dashboard/sales/transactions/{tx_id}", "Event Type": event,
                "Location": "Main St Cafe", "Dining Option": rng.choice(["For Here", "To Go"]),
                "Customer ID": cust, "Customer Name": cname, "Customer Reference ID": "",
                "Unit": "", "Count": f"{abs(qty)}", "Itemization Type": "Physical Item", "Commission": "$0.00",
                "Employee": "Sam", "Channel": "Main St Cafe", "Token": f"{rng.randint(10**9, 10**10):x}",
                "Card Brand": rng.choice(["Visa", "MasterCard", ""]), "PAN Suffix": str(rng.randint(1000, 9999)),
            })
    write_rows("square_items.csv", SQUARE_HEADER, rows)


# --------------------------------------------------------------------------------------------------------
# European and Japanese headers.
GERMAN = [  # Kundennummer, Rechnung, Datum, Artikel, Menge, Preis
    ["K-1001", "RE-2024-001", "05.03.2024", "Kaffeebohnen 1kg", "2", "18,90"],
    ["K-1001", "RE-2024-001", "05.03.2024", "Milchschäumer", "1", "24,50"],
    ["K-1002", "RE-2024-002", "13.03.2024", "Espressotassen (2 Stück)", "1", "12,00"],
    ["K-1003", "RE-2024-003", "21.03.2024", "Kaffeebohnen 1kg", "3", "18,90"],
    ["K-1001", "RE-2024-004", "02.04.2024", "Entkalker", "2", "7,45"],
    ["K-1002", "RE-2024-005", "15.04.2024", "Kaffeebohnen 1kg", "1", "1.018,90"],
]


def european() -> None:
    write_plain("german_orders.csv", ["Kundennummer", "Rechnung", "Datum", "Artikel", "Menge", "Preis"], GERMAN,
                delimiter=";")
    write_plain("french_orders.csv", ["Numéro de client", "Facture", "Date", "Produit", "Quantité", "Prix unitaire"],
                [["C-01", "F-100", "14/03/2024", "Café moulu", "2", "6,50"],
                 ["C-02", "F-101", "15/03/2024", "Théière", "1", "29,00"],
                 ["C-01", "F-102", "28/03/2024", "Café moulu", "1", "6,50"]], delimiter=";")
    write_plain("spanish_orders.csv", ["Cliente", "Pedido", "Fecha", "Producto", "Cantidad", "Precio"],
                [["CL-7", "P-1", "2024-03-01", "Café en grano", "1", "9.90"],
                 ["CL-8", "P-2", "2024-03-02", "Taza", "2", "4.50"],
                 ["CL-7", "P-3", "2024-03-09", "Taza", "1", "4.50"]])
    write_plain("japanese_orders.csv", ["顧客番号", "注文番号", "注文日", "商品名", "数量", "単価"],
                [["J001", "A-01", "2024/03/01", "コーヒー豆", "1", "1,200"],
                 ["J002", "A-02", "2024/03/02", "マグカップ", "2", "800"],
                 ["J001", "A-03", "2024/03/10", "マグカップ", "1", "800"]])


# A small shop's export with no buyer account, e-mail or readable phone: name + address is the last resort.
def consignee_only() -> None:
    header = ["订单编号", "下单时间", "收货人姓名", "收货地址", "联系电话", "实付金额", "订单状态"]
    write_plain("consignee_only.csv", header, [
        ["W001", "2024-03-01 10:00", "张三", "北京市 朝阳区 建国路1号", "138****1234", "58.00", "已完成"],
        ["W002", "2024-03-05 11:00", "张三", "北京市 朝阳区 建国路1号", "138****1234", "42.00", "已完成"],
        ["W003", "2024-03-06 12:00", "张三", "上海市 徐汇区 漕溪路8号", "139****9999", "30.00", "已完成"],
        ["W004", "2024-03-07 13:00", "李四", "北京市 朝阳区 建国路1号", "137****0000", "99.00", "已完成"],
        ["W005", "2024-03-08 14:00", "", "广州市 天河区 体育西路3号", "", "10.00", "已完成"],
    ])


# --------------------------------------------------------------------------------------------------------
# Traps: conventions of one data set that must not be applied to another.
def traps() -> None:
    write_plain("c_prefix_shop.csv", ["order id", "customer id", "order date", "product", "quantity", "unit price"], [
        ["C10001", "cu-1", "2024-03-01", "Tote bag", "1", "15.00"],
        ["C10001", "cu-1", "2024-03-01", "Sticker", "3", "1.50"],
        ["C10002", "cu-2", "2024-03-02", "Tote bag", "2", "15.00"],
        ["C10003", "cu-1", "2024-03-09", "Mug", "1", "9.00"],
        ["C10004", "cu-3", "2024-03-10", "Sticker", "10", "1.50"],
    ])
    write_plain("name_no_order_id.csv", ["customer id", "name", "date", "amount"], [
        ["m-01", "Anna Berg", "2024-03-01", "20.00"],
        ["m-01", "Anna Berg", "2024-03-01", "5.00"],
        ["m-01", "Anna Berg", "2024-03-08", "12.00"],
        ["m-02", "Li Wei", "2024-03-02", "30.00"],
        ["m-03", "Sara Cohen", "2024-03-03", "8.00"],
        ["m-03", "Sara Cohen", "2024-03-20", "8.00"],
    ])
    write_plain("single_letter_products.csv",
                ["order id", "customer id", "order date", "sku", "product", "quantity", "unit price"], [
                    ["5001", "u1", "2024-03-01", "TS-M", "M", "1", "19.00"],
                    ["5001", "u1", "2024-03-01", "TS-S", "S", "1", "19.00"],
                    ["5002", "u2", "2024-03-02", "BAG-B", "B", "1", "35.00"],
                    ["5003", "u3", "2024-03-03", "DVD-D", "D", "1", "42.00"],
                    ["5004", "u1", "2024-03-04", "M", "Manual", "1", "-5.00"],
                    ["5005", "u2", "2024-03-05", "POST", "Postage", "1", "4.00"],
                ])
    write_plain("country_region.csv",
                ["customer id", "order id", "order date", "amount", "city", "province/state", "country"], [
                    ["r1", "o1", "2024-03-01", "10.00", "Lyon", "Auvergne-Rhône-Alpes", "France"],
                    ["r2", "o2", "2024-03-02", "20.00", "Austin", "TX", "United States"],
                    ["r3", "o3", "2024-03-03", "30.00", "杭州", "浙江", "中国"],
                ])
    # A café's Square export where most sales are walk-ins: "Customer ID" is blank on 5 of 8 rows, yet the
    # header says customer id outright, so it is mapped and the walk-in rows are excluded with a count.
    write_plain("square_walkins.csv", ["Date", "Time", "Category", "Item", "Qty", "Gross Sales", "Net Sales",
                                       "Transaction ID", "Customer ID", "Customer Name"], [
        ["2024-04-01", "08:00:00", "Coffee", "Latte", "1.0", "$5.50", "$5.50", "TXA1", "CUST-1", "Grace Lee"],
        ["2024-04-01", "08:10:00", "Coffee", "Espresso", "1.0", "$3.00", "$3.00", "TXA2", "", ""],
        ["2024-04-01", "08:20:00", "Bakery", "Muffin", "2.0", "$7.50", "$7.50", "TXA3", "", ""],
        ["2024-04-02", "09:00:00", "Coffee", "Latte", "2.0", "$11.00", "$11.00", "TXA4", "CUST-2", "Omar Haddad"],
        ["2024-04-02", "09:30:00", "Bakery", "Croissant", "1.0", "$4.25", "$4.25", "TXA5", "", ""],
        ["2024-04-03", "10:00:00", "Coffee", "Espresso", "2.0", "$6.00", "$6.00", "TXA6", "", ""],
        ["2024-04-03", "10:15:00", "Coffee", "Latte", "1.0", "$5.50", "$5.50", "TXA7", "CUST-1", "Grace Lee"],
        ["2024-04-04", "11:00:00", "Bakery", "Muffin", "1.0", "$3.75", "$3.75", "TXA8", "", ""],
    ])
    # A phone or e-mail as the identity, written several ways for one buyer (INPUTS: one customer each).
    write_plain("phone_identity.csv", ["手机号", "下单时间", "实付金额"], [
        ["+86 138-1234-5678", "2024-01-05", "10.00"],
        ["8613812345678", "2024-01-06", "20.00"],
        ["138 1234 5678", "2024-02-05", "15.00"],
        ["13900001111", "2024-02-06", "7.00"],
    ])
    write_plain("email_identity.csv", ["Email", "Created at", "Total"], [
        ["Alice@X.com ", "2024-01-05", "10.00"],
        ["alice@x.com", "2024-01-06", "20.00"],
        ["bob@y.org", "2024-01-07", "5.00"],
    ])
    write_plain("headers_unknown.csv", ["col1", "col2", "col3", "col4", "col5"], [
        ["KD-001", "2024-03-01", "12.50", "R-0001", "Blue mug"],
        ["KD-001", "2024-03-01", "3.00", "R-0001", "Green tea"],
        ["KD-002", "2024-03-02", "40.00", "R-0002", "Teapot large"],
        ["KD-003", "2024-03-03", "7.25", "R-0003", "Green tea"],
        ["KD-001", "2024-03-10", "12.50", "R-0004", "Blue mug"],
        ["KD-002", "2024-03-11", "3.00", "R-0005", "Green tea"],
        ["KD-002", "2024-03-11", "12.50", "R-0005", "Blue mug"],
        ["KD-003", "2024-03-15", "40.00", "R-0006", "Teapot large"],
    ])


def main() -> None:
    taobao()
    shopify()
    jd()
    youzan()
    woocommerce()
    square()
    european()
    consignee_only()
    traps()


if __name__ == "__main__":
    main()
