"""Messages of the engine path (DuckDB / Spark): reading, types, cleaning, the CLI.

Plain data (no import from crm_core), merged into :data:`crm_core.messages.MESSAGES`; every entry in English and
Chinese, each in its own language.  Each part keeps its own table, merged here.
"""

from crm_core.engine._messages_cli import CLI_MESSAGES
from crm_core.engine._messages_io import IO_MESSAGES
from crm_core.engine._messages_lines import LINES_MESSAGES

ENGINE_MESSAGES: dict[str, dict[str, str]] = {
    "eng_bad_engine": {
        "en": "The engine \u201c{engine}\u201d is not known: choose one of {engines}.",
        "zh": "不认识引擎\u201c{engine}\u201d：请从 {engines} 中选择。",
    },
    "eng_too_big_for_pandas": {
        "en": "The input is {size}, above the {limit} the pandas path can hold in memory (it needs about 20 GB for "
              "100 million lines). Run it with --engine duckdb: DuckDB reads the file within a memory limit and "
              "spills to disk.",
        "zh": "输入文件共 {size}，超过 pandas 路径能放进内存的 {limit}（1 亿行约需 20 GB 内存）。"
              "请加上 --engine duckdb 运行：DuckDB 在内存上限内读取文件，超出部分写到磁盘。",
    },
    "eng_remote_needs_engine": {
        "en": "An input is a cluster path (hdfs://, s3a://, …), which the pandas path cannot read: run it with "
              "--engine spark (and --spark-master URL), or copy the files to this machine.",
        "zh": "输入是集群上的路径（“hdfs://”、“s3a://” 等），pandas 路径无法读取：请加上 --engine spark"
              "（以及 --spark-master 集群地址）运行，或先把文件复制到本机。",
    },
    "eng_remote_chosen": {
        "en": "An input is a cluster path: it is read with Spark (--spark-master sets the cluster; default local[2]).",
        "zh": "输入是集群上的路径：改用 Spark 读取（用 --spark-master 指定集群，默认为“local[2]”）。",
    },
    "eng_engine_chosen": {
        "en": "The input is {size} (above {limit}): it is read with {engine} rather than pandas. "
              "Give --engine to choose.",
        "zh": "输入文件共 {size}（超过 {limit}）：改用 {engine} 读取，而不是 pandas。可用 --engine 指定引擎。",
    },
}
for _part in (IO_MESSAGES, LINES_MESSAGES, CLI_MESSAGES):
    assert not set(_part) & set(ENGINE_MESSAGES), "an engine message code is defined twice"
    ENGINE_MESSAGES.update(_part)
