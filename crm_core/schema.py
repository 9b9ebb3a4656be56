"""Canonical schema, column mapping, settings and result containers shared by all modules.

Everything a user can get wrong raises :class:`DataError`, whose message is
bilingual (see :mod:`crm_core.messages`) and names the column or row and what
to do.  Soft problems are collected as :class:`Note` objects in reports.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from crm_core.ingest._statuses import EXCLUDED_STATUSES
from crm_core.messages import Localized, render

Lang = Literal["en", "zh"]


class DataError(ValueError):
    """A problem with the user's data or settings, with a message a marketer can act on.

    Parameters
    ----------
    code : str
        Key of :data:`crm_core.messages.MESSAGES`.
    **params
        Values formatted into the message.
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(render(code, "en", **params))

    def text(self, lang: Lang = "en") -> str:
        """The message in ``lang``."""
        return render(self.code, lang, **self.params)


@dataclass(frozen=True)
class Note:
    """A soft problem or a fact worth telling the user (shown as a warning/info)."""

    code: str
    params: tuple[tuple[str, object], ...] = ()
    level: Literal["info", "warning"] = "info"

    @classmethod
    def of(cls, code: str, level: Literal["info", "warning"] = "info", **params: object) -> Note:
        return cls(code=code, params=tuple(params.items()), level=level)

    def text(self, lang: Lang = "en") -> str:
        return render(self.code, lang, **dict(self.params))


@dataclass(frozen=True)
class Field:
    """One canonical column: its name, kind, labels and the headers it is recognised by."""

    name: str
    kind: Literal["id", "date", "number", "text", "consent"]
    label_en: str
    label_zh: str
    synonyms: tuple[str, ...]
    level: Literal["line", "customer"] = "line"


def _syn(*names: str) -> tuple[str, ...]:
    return tuple(names)


# Order of this tuple is the order of the mapping table in the UI.
# Within a field, synonyms are RANKED: when several headers fit, the one whose synonym comes first wins
# (Taobao's 买家实际支付金额 over 总金额; Shopify's "Created at" over "Paid at", a fallback only).
# Headers are compared after normalize_header; European and Japanese words cover exports from shops there.
FIELDS: tuple[Field, ...] = (
    Field("customer_id", "id", "Customer ID", "客户编号",
          _syn("customer id", "customerid", "customer_id", "customer no", "customer number", "client id", "customer",
               "client", "客户",
               "member id", "member no", "buyer id", "user id", "userid", "cust id", "custid",
               "客户编号", "客户id", "客户号", "客户代码", "会员卡号", "会员编号", "会员id", "会员号",
               "用户id", "用户编号", "买家id", "顾客编号", "客户编码", "卡号",
               "kundennummer", "kundennr", "kunden nr", "kunden id", "kundenid", "kunde",
               "numéro de client", "numero de client", "n° client", "no client", "id client", "code client",
               "número de cliente", "numero de cliente", "id cliente", "id de cliente", "código de cliente", "cliente",
               "顧客番号", "顧客id", "顧客コード", "会員番号", "顧客",
               # Buyer accounts and nicknames: the platform's login, used as the identity (see ACCOUNT_SYNONYMS).
               "买家会员名", "下单帐号", "下单账号", "买家昵称", "买家账号", "买家帐号", "会员名", "用户名",
               "buyer account", "buyer nickname", "buyer username", "username", "user name", "account name")),
    Field("order_id", "id", "Order ID", "订单号",
          _syn("order id", "orderid", "order_id", "order no", "order number", "invoice", "invoiceno",
               "invoice no", "invoice number", "transaction id", "receipt no", "order",
               "订单号", "订单编号", "订单id", "交易流水号", "流水号", "单号", "交易号", "小票号", "发票号",
               "子订单编号", "主订单编号",
               "bestellnummer", "bestell nr", "bestellnr", "bestellung", "auftragsnummer", "auftrag",
               "rechnungsnummer", "rechnungsnr", "rechnung", "belegnummer", "beleg",
               "numéro de commande", "numero de commande", "n° de commande", "commande", "numéro de facture",
               "facture", "número de pedido", "numero de pedido", "pedido", "número de factura", "factura",
               "注文番号", "注文id", "受注番号", "伝票番号", "注文no")),
    Field("order_date", "date", "Order date", "下单日期",
          _syn("order date", "orderdate", "order_date", "invoicedate", "invoice date", "created at", "date",
               "transaction date", "purchase date", "order time", "datetime",
               "下单日期", "下单时间", "订单日期", "订单创建时间", "创建时间", "交易时间", "交易日期", "购买日期",
               "购买时间", "日期", "消费时间", "消费日期", "成交时间",
               "bestelldatum", "rechnungsdatum", "auftragsdatum", "kaufdatum", "datum",
               "date de commande", "date de la commande", "date de facture", "date d'achat",
               "fecha de pedido", "fecha del pedido", "fecha de compra", "fecha de factura", "fecha",
               "注文日", "注文日時", "受注日", "購入日", "売上日", "日付",
               # Fallbacks only: the order date is when the order was placed, not when it was paid.
               "paid at", "paid date", "付款时间", "支付时间", "买家付款时间", "订单付款时间", "付款确认时间")),
    Field("product", "text", "Product", "商品名称",
          _syn("product", "product name", "description", "item", "item name", "lineitem name",
               "商品名称", "商品", "产品名称", "产品", "品名", "宝贝标题", "商品标题",
               "artikel", "artikelname", "artikelbezeichnung", "bezeichnung", "produkt", "produktname",
               "produit", "nom du produit", "article", "désignation", "libellé",
               "producto", "nombre del producto", "artículo", "articulo", "descripción",
               "商品名")),
    Field("sku", "text", "Product code", "商品编码",
          _syn("sku", "stockcode", "stock code", "product code", "item code", "product id", "lineitem sku",
               "商品编码", "商品编号", "商品id", "货号", "产品编码", "sku编码", "商家编码",
               "artikelnummer", "artikelnr", "art nr", "produktnummer", "référence", "reference produit",
               "code article", "código", "codigo", "referencia", "商品コード", "品番")),
    Field("category", "text", "Category", "品类",
          _syn("category", "product category", "product type", "品类", "类别", "商品类别", "商品分类", "分类", "类目",
               "kategorie", "warengruppe", "catégorie", "categorie", "categoría", "categoria", "カテゴリ",
               "カテゴリー")),
    Field("quantity", "number", "Quantity", "数量",
          _syn("quantity", "qty", "lineitem quantity", "quantity (- refund)", "units",
               "数量", "购买数量", "商品数量", "订购数量", "宝贝总数量", "件数", "宝贝数量",
               "menge", "anzahl", "stückzahl", "stück", "quantité", "quantite", "qté", "cantidad", "個数")),
    Field("unit_price", "number", "Unit price", "单价",
          _syn("unit price", "unitprice", "price", "lineitem price", "item cost", "item price",
               "单价", "商品单价", "价格", "销售单价", "宝贝单价", "京东价",
               "einzelpreis", "stückpreis", "verkaufspreis", "preis", "prix unitaire", "prix",
               "precio unitario", "precio", "単価", "価格", "販売価格")),
    Field("amount", "number", "Amount", "金额",
          _syn("amount", "line total", "line amount", "net sales", "sales", "revenue", "sales amount", "paid amount",
               "gross sales", "total",
               "金额", "商品实际成交金额", "实付金额", "买家实际支付金额", "买家实付金额", "实收金额", "成交金额",
               "消费金额", "销售额", "销售金额", "支付金额", "应付金额", "订单金额", "结算金额", "总金额",
               "订单实付金额",
               "betrag", "gesamtbetrag", "rechnungsbetrag", "umsatz", "summe", "gesamt",
               "montant", "montant total", "total ttc", "importe", "importe total",
               "金額", "売上金額", "合計金額", "売上")),
    Field("order_time", "text", "Order time (separate column)", "下单时间（单独一列）",
          _syn("time", "order time of day", "时间", "时刻", "uhrzeit", "heure", "hora", "時刻", "時間")),
    Field("refund_amount", "number", "Refunded amount", "退款金额",
          _syn("refund amount", "refunded amount", "refunded", "amount refunded", "refunds", "order refund amount",
               "退款金额", "退款额", "已退款金额", "订单已退款金额",
               "erstattung", "erstatteter betrag", "remboursement", "reembolso", "返金額")),
    Field("channel", "text", "Channel", "渠道",
          _syn("channel", "store", "shop", "source", "sales channel",
               "渠道", "门店", "店铺", "来源", "销售渠道", "店铺名称",
               "vertriebskanal", "kanal", "canal", "ショップ", "店舗")),
    Field("status", "text", "Order status", "订单状态",
          _syn("status", "order status", "financial status", "订单状态", "交易状态", "状态",
               "bestellstatus", "statut", "état", "estado del pedido", "ステータス", "注文ステータス")),
    Field("name", "text", "Name", "姓名",
          _syn("customer name", "full name", "buyer name", "contact name", "billing name", "name",
               "姓名", "客户姓名", "客户名称", "会员姓名", "收货人姓名", "收货人", "收件人",
               "kundenname", "nom du client", "nom", "nombre del cliente", "nombre", "顧客名", "氏名", "お名前"),
          "customer"),
    Field("phone", "id", "Phone", "手机号",
          _syn("phone", "mobile", "phone number", "telephone", "tel", "cell", "billing phone", "phone (billing)",
               "手机号", "手机", "手机号码", "电话", "联系电话", "联系手机", "电话号码", "买家手机号",
               "telefon", "telefonnummer", "handy", "téléphone", "teléfono", "telefono", "móvil",
               "電話番号", "電話", "携帯番号"), "customer"),
    Field("email", "text", "Email", "邮箱",
          _syn("email", "e-mail", "email address", "mail", "email (billing)", "billing email",
               "邮箱", "电子邮箱", "电子邮件", "邮件",
               "e-mail-adresse", "courriel", "adresse e-mail", "correo", "correo electrónico", "メールアドレス",
               "メール"), "customer"),
    Field("gender", "text", "Gender", "性别",
          _syn("gender", "sex", "性别", "geschlecht", "sexe", "sexo", "género", "性別"), "customer"),
    Field("city", "text", "City", "城市",
          _syn("city", "town", "billing city", "city (billing)", "城市", "所在城市", "收货地址城市",
               "stadt", "ort", "ville", "ciudad", "市区町村"),
          "customer"),
    Field("region", "text", "Region / province", "省份/地区",
          _syn("region", "province", "state", "billing province", "state code (billing)", "state code",
               "地区", "省份", "省", "bundesland", "région", "provincia", "都道府県"), "customer"),
    Field("country", "text", "Country", "国家",
          _syn("country", "country code", "billing country", "country code (billing)", "国家", "国家/地区",
               "land", "pays", "país", "pais", "国"), "customer"),
    Field("signup_date", "date", "Signup date", "注册日期",
          _syn("signup date", "registration date", "join date", "member since", "created", "注册日期",
               "注册时间", "入会日期", "开卡日期", "入会时间", "registrierungsdatum", "date d'inscription",
               "fecha de registro", "登録日"), "customer"),
    Field("consent", "consent", "Marketing consent / opt-out", "营销同意/退订",
          _syn("consent", "opt in", "optin", "opt_in", "accepts marketing", "marketing consent", "opt out",
               "optout", "opt_out", "unsubscribed", "unsubscribe", "do not contact",
               "营销同意", "同意营销", "是否同意营销", "退订", "已退订", "拒收", "拒收营销", "免打扰",
               "newsletter", "werbeeinwilligung"), "customer"),
)

# Buyer logins and nicknames: used as the customer id when the file has no customer-number column, with a
# note saying so (a nickname is not a person's name; 买家会员名 is the Taobao account, 收货人姓名 the person).
ACCOUNT_SYNONYMS: tuple[str, ...] = (
    "买家会员名", "下单帐号", "下单账号", "买家昵称", "买家账号", "买家帐号", "会员名", "用户名",
    "buyer account", "buyer nickname", "buyer username", "username", "user name", "account name",
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
REQUIRED_FIELDS: tuple[str, ...] = ("customer_id", "order_date")

# Consent columns whose header says "opt-out" invert the meaning of yes/no.
OPT_OUT_WORDS = ("opt out", "optout", "opt_out", "unsubscrib", "do not contact", "退订", "拒收", "免打扰")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060\u00ad"), None)


def normalize_header(header: object) -> str:
    """NFKC, strip invisible characters and surrounding blanks, lower-case, fold separators.

    >>> normalize_header("\\ufeff Customer_ID ")
    'customer id'
    """
    text = unicodedata.normalize("NFKC", str(header)).translate(_INVISIBLE).strip().lower()
    text = re.sub(r"[\s_\-.:/()（）：]+", " ", text).strip()
    return text


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of the upload feeds each canonical field.

    ``pairs`` holds ``(field_name, source_column)``; fields not listed are unmapped.
    Frozen and hashable, so it can key caches exactly.
    """

    pairs: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        for key, column in self.pairs:
            if key == name:
                return column
        return None

    def as_dict(self) -> dict[str, str]:
        return dict(self.pairs)

    @classmethod
    def from_dict(cls, mapping: dict[str, str | None]) -> ColumnMapping:
        order = [f.name for f in FIELDS]
        items = [(k, str(v)) for k, v in mapping.items() if v not in (None, "") and k in FIELD_BY_NAME]
        items.sort(key=lambda kv: order.index(kv[0]))
        return cls(pairs=tuple(items))

    def to_json(self) -> str:
        return json.dumps({"version": 1, "columns": self.as_dict()}, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> ColumnMapping:
        try:
            data = json.loads(text)
        except ValueError as exc:  # also UnicodeDecodeError
            line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
            where = (Localized(en=f" (line {line}, column {column})", zh=f"（第 {line} 行，第 {column} 列）")
                     if line else Localized(en="", zh=""))
            raise DataError("bad_mapping_json", detail=Localized(en=f"it is not valid JSON{where.en}",
                                                                 zh=f"不是有效的 JSON{where.zh}")) from None
        columns = data["columns"] if isinstance(data, dict) and "columns" in data else data
        if not isinstance(columns, dict):
            raise DataError("bad_mapping_json", detail=Localized(
                en='it should map fields to columns, e.g. {"customer_id": "Customer ID"}',
                zh='应为“字段: 列名”的对应关系，例如 {"customer_id": "客户编号"}'))
        unknown = sorted(set(columns) - set(FIELD_BY_NAME))
        if unknown:
            raise DataError("bad_mapping_json", detail=Localized(
                en=f"unknown fields: {', '.join(unknown)}", zh=f"未知字段：{'、'.join(unknown)}"))
        return cls.from_dict(columns)


# Bare words that name a field only when they are the whole header: "客户类型" is not an id, "Item Name" is
# not a person's name, "Time Zone" is not a time, "Rechnungsdatum" is not an invoice number.
EXACT_ONLY = frozenset({
    "customer", "client", "客户", "kunde", "cliente", "顧客", "order", "rechnung", "bestellung", "auftrag", "beleg",
    "commande", "facture", "pedido", "factura", "name", "nom", "nombre", "time", "时间", "時間", "hora", "heure",
    "preis", "prix", "precio", "total", "gesamt", "summe", "sales", "land", "国", "省", "state", "item", "created",
    "source", "estado", "produit", "article", "artikel", "stück", "canal", "kanal", "商品", "状态",
})


def suggest_mapping(columns: list[str] | pd.Index | pd.DataFrame) -> ColumnMapping:
    """Propose a mapping from the upload's headers (ranked synonyms), checked against the values when given the frame.

    With a list of headers only the words count: exact (normalised) matches win over partial ones, an
    earlier synonym over a later one, and each source column is used once.  With the raw DataFrame
    (``RawTable.frame``) each choice is also checked against its values; see
    :func:`crm_core.ingest.mapping.propose_mapping`, which also says which guesses need confirming.
    """
    from crm_core.ingest import mapping  # lazy: mapping imports this module and the value parsers

    if isinstance(columns, pd.DataFrame):
        return mapping.propose_mapping(columns).mapping
    return mapping.propose_from_headers(list(columns)).mapping


@dataclass(frozen=True)
class ReadOptions:
    """How to read an upload. ``None`` means detect automatically."""

    sheet: str | None = None
    header_row: int | None = None  # 1-based row number of the header in the sheet/file
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True)
class RawTable:
    """An upload read as text.

    ``frame``: every column of dtype str (empty cells missing), headers cleaned
    (BOM, invisible characters, blanks stripped; duplicates suffixed " (2)").
    Its index is the 1-based row number the user sees in Excel or a text editor (for files combined by
    :func:`crm_core.ingest.combine.combine`, plus the file's offset in ``parts``).
    """

    frame: pd.DataFrame
    source_name: str
    file_type: Literal["csv", "xlsx", "xls"]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheet_names: tuple[str, ...] = ()
    header_row: int = 1
    bad_lines: tuple[tuple[int, str], ...] = ()  # (line number, raw text) of ragged lines
    encoding_candidates: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    # Several files combined (crm_core.ingest.combine): (file name, offset added to its row numbers) per file,
    # in order; () for a single file.  crm_core.ingest.combine.file_rows turns rows back into (file, row).
    parts: tuple[tuple[str, int], ...] = ()
    # Lines already read from an earlier file, set aside and counted once: same columns and row numbering as
    # ``frame``; ``overlap_of`` (same index) names the earlier file.  None when nothing overlapped.
    overlaps: pd.DataFrame | None = None
    overlap_of: pd.Series | None = None


@dataclass(frozen=True)
class IngestOptions:
    """How to turn a raw table into clean order lines.

    returns : "net" keeps returns and nets them from spend; "ignore" excludes them.
    day_first : None detects (and raises ``ambiguous_dates`` when it cannot tell).
    non_product_codes : product codes/names that are not merchandise (postage, fees).
    merge_duplicates : merge customer ids that share a normalised phone or email.
    """

    returns: Literal["net", "ignore"] = "net"
    day_first: bool | None = None
    non_product_codes: tuple[str, ...] = (
        "POST", "DOT", "M", "C2", "D", "CRUK", "PADS", "B", "BANK CHARGES", "AMAZONFEE", "S",
        "运费", "邮费", "手续费",
    )
    excluded_statuses: tuple[str, ...] = EXCLUDED_STATUSES  # unpaid, cancelled, closed... per platform
    merge_duplicates: bool = False
    phone_region: str = "CN"


@dataclass(frozen=True)
class IngestReport:
    """Where every input row went.

    ``rows_read == rows_used + len(excluded)`` always holds.
    ``excluded`` columns: row (1-based file row), reason (code), detail (text), plus
    the original cells of that row.  When several files were combined, ``rows_read`` counts every line of
    every file, a line already in an earlier file is excluded as ``overlap`` (detail: that file's name), and
    ``row`` is numbered as in :attr:`RawTable.parts` (see :func:`crm_core.ingest.combine.file_rows`).
    """

    source_name: str
    rows_read: int
    rows_used: int
    rows_returns: int
    excluded: pd.DataFrame
    notes: tuple[Note, ...] = ()
    duplicates: pd.DataFrame | None = None  # customer_id, merged_into, matched_on, key
    parts: tuple[tuple[str, int], ...] = ()  # RawTable.parts: (file name, row offset) when files were combined

    @property
    def counted(self) -> bool:
        """True for an engine's report (crm_core.engine.run.order_lines): ``excluded`` holds one example row per
        reason with the number of rows in ``rows`` (and no row numbers)."""
        return "rows" in self.excluded.columns and "row" in self.excluded.columns and \
            bool(self.excluded["row"].isna().all())

    def reason_counts(self) -> pd.Series:
        """Number of excluded rows per reason code, largest first."""
        if self.excluded.empty:
            return pd.Series(dtype="int64", name="rows")
        if self.counted:
            counts = self.excluded.groupby("reason", sort=False)["rows"].sum()
            return counts.sort_values(ascending=False, kind="stable").rename("rows")
        return self.excluded["reason"].value_counts().rename("rows")

    def reason_table(self, lang: Lang = "en") -> pd.DataFrame:
        """Excluded rows per reason in words, largest first; order statuses one by one ("order status 已取消").

        Columns: reason (text in ``lang``), rows.
        """
        if self.excluded.empty:
            return pd.DataFrame({"reason": pd.Series(dtype="str"), "rows": pd.Series(dtype="int64")})
        status = self.excluded["detail"].where(self.excluded["reason"] == "status", "")
        grouped = self.excluded.assign(status=status).groupby(["reason", "status"], sort=False)
        counts = grouped["rows"].sum() if self.counted else grouped.size()
        counts = counts.rename("rows").reset_index().sort_values("rows", ascending=False, kind="stable")
        text = [render(f"reason_{code}", lang, status=s) for code, s in zip(counts["reason"], counts["status"],
                                                                             strict=True)]
        return pd.DataFrame({"reason": text, "rows": counts["rows"].to_numpy()})


@dataclass(frozen=True)
class IngestResult:
    """Clean order lines, customer attributes and the report.

    ``orders`` columns (canonical): customer_id, order_id, order_date (datetime64),
    product, sku, category, quantity, unit_price, amount (negative for returns),
    channel, is_return (bool), source_row (int).
    ``customers``: one row per customer_id (index) with the mapped customer fields
    (name, phone, email, gender, city, signup_date, opted_out).
    """

    orders: pd.DataFrame
    customers: pd.DataFrame
    report: IngestReport
