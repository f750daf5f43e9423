"""Words of the project store: a damaged project, a project another command is writing, a folder
that cannot be written, a full disk."""

from __future__ import annotations

from yitu.words import register

register({
    "project.damaged": (
        "{path} 已损坏，无法读取（{reason}）；yitu 没有改动它，也不会覆盖它。",
        "{path} is damaged and cannot be read ({reason}); yitu left it as it is and will not overwrite it.",
    ),
    "project.damaged.backup": (
        "最近一次完好的备份：{backup}（修改时间 {when}）。恢复：关闭 QGIS 等程序后，把它复制为 {name}。",
        "The last good backup is {backup} (saved {when}); to restore, close QGIS and other programs and copy it "
        "over {name}.",
    ),
    "project.damaged.no_backup": (
        "没有可用的备份：请从您自己的备份恢复 {name}，或新建项目后重新导入。",
        "There is no usable backup: restore {name} from your own copy, or create a new project and import again.",
    ),
    "project.lock.waiting": (
        "{path} 正在被另一个 yitu 命令写入（进程 {pid}），等待它完成…",
        "{path} is being written by another yitu command (process {pid}); waiting for it to finish…",
    ),
    "project.lock.timeout": (
        "{path} 正在被另一个 yitu 命令写入（进程 {pid}），等待 {seconds:.0f} 秒后仍未完成；"
        "请等它结束后再运行本命令（等待时长可用环境变量 YITU_LOCK_TIMEOUT 设置，单位秒）。",
        "{path} is being written by another yitu command (process {pid}) and still was after {seconds:.0f} s; "
        "run this command again when it has finished (set the wait with the environment variable "
        "YITU_LOCK_TIMEOUT, in seconds).",
    ),
    "project.lock.unknown_pid": ("未知", "unknown"),
    "project.leftovers": (
        "已删除被中断的写入留下的临时文件：{names}",
        "removed the temporary files an interrupted write left behind: {names}",
    ),
    "oserror.permission": (
        "无法写入 {path}：没有写入权限。请换一个可写的文件夹（如 --out 指定），或请管理员开放该文件夹的写权限；project.gpkg 完好无损。",
        "cannot write {path}: permission denied. Use a folder you can write to (e.g. with --out) or ask for write "
        "access to it; project.gpkg is intact.",
    ),
    "oserror.readonly": (
        "无法写入 {path}：所在磁盘或文件夹是只读的（如光盘、只读共享或写保护的U盘）。请把项目复制到可写的位置再运行；project.gpkg 完好无损。",
        "cannot write {path}: the disk or folder is read-only (a CD, a read-only share, a write-protected USB "
        "stick). Copy the project to a writable place and run again; project.gpkg is intact.",
    ),
    "oserror.nospace": (
        "无法写入 {path}：磁盘空间已满。请清理磁盘或用 --out 写到另一块磁盘后重试；project.gpkg 完好无损。",
        "cannot write {path}: the disk is full. Free some space, or write to another disk with --out, and run "
        "again; project.gpkg is intact.",
    ),
    "oserror.toobig": (
        "无法写入 {path}：文件超出该磁盘允许的大小（如 FAT32 U盘单个文件上限 4 GB）。请写到 NTFS/exFAT 磁盘后重试；project.gpkg 完好无损。",
        "cannot write {path}: the file is larger than the disk allows (FAT32 sticks stop at 4 GB). Write to an "
        "NTFS/exFAT disk and run again; project.gpkg is intact.",
    ),
    "oserror.io": (
        "读写 {path} 时磁盘出错（{reason}）。请检查磁盘或网络共享后重试。",
        "a disk error while reading or writing {path} ({reason}). Check the disk or network share and run "
        "again.",
    ),
    "oserror.unknown_path": ("（未知文件）", "(unknown file)"),
})

register({
    "project.reason.empty": ("文件为空", "the file is empty"),
    "project.reason.not_sqlite": ("不是 GeoPackage（SQLite）文件", "not a GeoPackage (SQLite) file"),
    "project.reason.truncated": (
        "文件不完整：只有 {size} 字节，文件头记载应为 {expected} 字节，可能复制或同步时被截断",
        "the file is incomplete: {size} bytes where its header says {expected}; it was probably cut short while "
        "being copied or synced",
    ),
    "project.reason.sqlite": ("SQLite：{message}", "SQLite: {message}"),
})

# log lines of the project store and the demo
register({
    "project.log.created": ("项目已创建：{path}", "project created in {path}"),
    "project.log.demo": ("演示输入已写入 {path}（道路节点 {nodes} 个，道路 {ways} 条）",
                         "demo inputs written to {path} ({nodes} road nodes, {ways} ways)"),
    "project.lock.bad_timeout": ("环境变量 {name}={value} 不是秒数：改用 {default} 秒",
                                 "{name}={value} is not a number of seconds; using {default}"),
    "project.lock.cannot_lock": ("无法锁定 {path}（{error}）：同时运行两条命令可能丢失图层",
                                 "cannot lock {path} ({error}): two commands at once could lose a layer"),
    "files.log.wrote": ("已写入 {path}", "wrote {path}"),
    "files.log.wrote_size": ("已写入 {path}（{kb} KB，{how}）", "wrote {path} ({kb} KB, {how})"),
    "files.log.offline": ("离线可用", "offline"),
    "files.log.cdn": ("引用在线 CDN", "CDN links"),
})

# the errors a user meets opening or creating a project (yitu/layers/project.py, demo.py)
register({
    "project.err.exists": ("{path} 已有项目（project.gpkg）；请换一个文件夹", "{path} already holds a project (project.gpkg); use another folder"),
    "project.err.bbox": ("范围 {bbox} 应为 最小经度,最小纬度,最大经度,最大纬度，且最小值小于最大值",
                         "bbox {bbox} must be min_lon,min_lat,max_lon,max_lat with min < max"),
    "project.err.not_project": ("{path} 不是 yitu 项目（没有 project.gpkg）；请先创建：`yitu init {path}`",
                                "{path} is not a yitu project (no project.gpkg); create one with `yitu init {path}`"),
    "project.err.no_layer": ("{path}：还没有图层 {name!r}；请先生成：`{how}`", "{path}: no layer {name!r} yet; make it with `{how}`"),
    "project.err.no_layer_any": ("{path}：还没有图层 {name!r}；请先运行生成它的命令",
                                 "{path}: no layer {name!r} yet; make it with the command that computes it"),
    "project.err.no_extent": ("{path}：项目还没有带位置的数据；请先导入一个图层",
                              "{path}: the project has no located data yet; import a layer first"),
    "project.err.demo_not_empty": ("{path} 不是空文件夹；请换一个空文件夹，或加 --force 替换它",
                                   "{path} is not empty; choose an empty folder or pass --force to replace it"),
})
