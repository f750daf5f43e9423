"""Words of ``yitu batch`` and its province summary."""

from yitu.words import register

register({
    "batch.sheet.projects": ("项目汇总", "projects"),
    "batch.sheet.parks": ("园区汇总", "parks"),
    "batch.sheet.failed": ("运行失败", "failed"),
    "batch.col.project": ("项目", "project"),
    "batch.col.path": ("项目目录", "folder"),
    "batch.col.status": ("运行状态", "run status"),
    "batch.col.error": ("错误信息", "error"),
    "batch.col.seconds": ("用时(秒)", "time (s)"),
    "batch.col.verdict": ("园区核查结论", "park verdict"),
    "batch.col.n_fail": ("未达标目标数", "targets failing"),
    "batch.col.parks_failing": ("未通过园区", "parks failing"),
    "batch.col.n_parks_fail": ("未通过园区数", "parks failing"),
    "batch.col.n_gaps": ("时限外对象数", "places outside limit"),
    "batch.col.park_id": ("园区编号", "park id"),
    "batch.col.park_name": ("园区名称", "park"),
    "batch.col.limit_min": ("时限(分钟)", "limit (min)"),
    "batch.col.n_targets": ("检查目标数", "targets checked"),
    "batch.col.worst_miss_min": ("最大超时(分钟)", "worst miss (min)"),
    "batch.col.covered_share": ("园区面积覆盖率(%)", "park area covered (%)"),
    "batch.run.ok": ("完成", "done"),
    "batch.run.failed": ("失败", "failed"),
    "batch.map.title": ("化工园区救援圈核查总览", "Chemical parks: rescue-circle overview"),
    "batch.map.legend": ("园区核查结论", "Park verdict"),
    "batch.map.no_geometry": ("{n} 个园区无边界，未绘制", "{n} park(s) without a boundary not drawn"),
    "batch.progress": ("批量运行 {done}/{total}", "batch {done}/{total}"),
    "batch.summary": ("{n} 个项目（失败 {failed}），{parks} 个园区中 {fail} 个未通过，用时 {seconds}，{workers} 个进程",
                      "{n} project(s) ({failed} failed); {fail} of {parks} park(s) fail; {seconds} on {workers} worker(s)"),
    "batch.task_failed": ("{project}：{error}", "{project}: {error}"),
    "batch.written": ("汇总已写入：{files}", "summary written: {files}"),
})

register({
    "batch.no_projects": ("没有要运行的项目：给出项目目录，或用 --province 指定含各县项目的目录",
                          "no projects to run: give project folders, or a folder of projects with --province"),
})

# log lines of a batch run (yitu/batch.py)
register({
    "batch.log.failed": ("批量：{path} 运行失败：\n{trace}", "batch: {path} failed:\n{trace}"),
    "batch.log.park_failed": ("批量：{path} 园区 {park} 运行失败：\n{trace}", "batch: {path} park {park} failed:\n{trace}"),
    "batch.log.parks_not_drawn": ("批量汇总：{path} 的园区未绘制：{error}", "batch summary: parks of {path} not drawn: {error}"),
})

# the errors of `yitu batch` (yitu/batch.py)
register({
    "batch.err.not_folder": ("{path}：不是文件夹；请给出存放各县项目的文件夹", "{path}: not a folder; give the folder that holds the county projects"),
    "batch.err.no_project": ("{path}：{depth} 层以内没有找到项目（含 {gpkg} 的文件夹）",
                             "{path}: no project (a folder with {gpkg}) found within {depth} levels"),
    "batch.err.no_park": ("{path}：没有园区 {park!r}", "{path}: no park {park!r}"),
    "batch.err.no_dask": ("yitu batch 需要 dask.distributed：pip install 'dask[distributed]'",
                          "yitu batch needs dask.distributed: pip install 'dask[distributed]'"),
    "batch.err.scheduler": ("无法连接 Dask 调度器 {scheduler!r}：{exc}", "cannot reach the Dask scheduler at {scheduler!r}: {exc}"),
    "batch.err.analysis": ("未知分析 {unknown}；请从 {known} 中选择", "unknown analysis {unknown}; choose from {known}"),
    "batch.err.split": ("拆分方式 {split!r}：请用 project 或 park", "split {split!r}: use 'project' or 'park'"),
    "batch.err.no_projects": ("没有要运行的项目", "no projects to run"),
})
