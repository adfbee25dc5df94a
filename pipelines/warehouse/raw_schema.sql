-- The raw schema: what the extractor read, with provenance. dbt reads only these tables.
-- Two kinds of disclosure share it: final accounts (决算: tables T01…T09) and budgets
-- (预算: tables B01…B11), told apart by raw.documents.document_kind.
-- Amounts are converted exactly to 万元 from the unit printed above each table.
create schema if not exists raw;

-- One row per PDF file version seen (keyed by content hash), loaded or rejected.
create table if not exists raw.documents (
    document_id        varchar primary key,  -- sha256 of the file bytes
    file_name          varchar not null,     -- base name as found in the inbox
    source_path        varchar not null,     -- path relative to the inbox
    file_size          bigint not null,
    page_count         integer,              -- null when the file could not be opened
    document_kind      varchar,              -- '决算' or '预算', or null when not recognised
    unit_name          varchar,              -- from the cover/title page, whitespace removed
    region             varchar,              -- e.g. 枣庄市, 上海市普陀区; null if unknown
    unit_level         varchar,              -- '部门' or '单位'
    fiscal_year        integer,              -- the year accounted for (决算) or budgeted (预算)
    status             varchar not null,     -- 'loaded' or 'rejected' ('superseded' is derived in dbt)
    status_reason      varchar,              -- Chinese, human-readable; null when loaded
    extractor_version  varchar not null,
    ingested_at        timestamp not null
);

-- One row per standard table per loaded document: found, printed empty, or missing
-- (a budget: B01…B09 always, B10/B11 only when printed).
create table if not exists raw.extracted_tables (
    document_id      varchar not null,
    table_id         varchar not null,      -- 'T01'…'T09' (决算) or 'B01'…'B11' (预算)
    canonical_title  varchar not null,
    printed_title    varchar,               -- null when missing
    status           varchar not null,      -- 'extracted', 'empty', 'missing', 'not_in_template'
    money_unit       varchar,               -- '万元' or '元' as printed above the table
    first_page       integer,               -- 1-based
    last_page        integer,
    note             varchar,               -- e.g. the 本表无数据 note of an empty table
    parsing_report   varchar,               -- JSON: camelot's parsing report per page
    primary key (document_id, table_id)
);

-- One row per cell of a table body: the canonical record with its provenance.
create table if not exists raw.table_cells (
    document_id   varchar not null,
    table_id      varchar not null,         -- 'T01'…'T09' (决算) or 'B01'…'B11' (预算)
    row_number    integer not null,         -- order of the row within the table, from 1
    page          integer not null,         -- 1-based page the row is printed on
    side          varchar,                  -- '收入' / '支出' for two-sided statements, else null
    subject_code  varchar,                  -- joined function/economic code (3, 5 or 7 digits); null for label rows
    line_label    varchar,                  -- printed row label, normalised (no spaces, no ordinal)
    column_name   varchar not null,         -- canonical column name (e.g. 基本支出)
    printed_text  varchar not null,         -- the cell text as printed ('' when blank)
    amount        decimal(20, 6),           -- 万元; null when the cell is blank or '-'
    reading_uncertain boolean,              -- true when the extractor could not read it with certainty
    uncertain_reason  varchar,              -- Chinese: why (the two readings, or a column shift)
    primary key (document_id, table_id, row_number, column_name)
);
-- A warehouse made before the cells carried their certainty gains the columns (null:
-- not known, until its documents are extracted again by the new extractor version).
alter table raw.table_cells add column if not exists reading_uncertain boolean;
alter table raw.table_cells add column if not exists uncertain_reason varchar;
-- The cell's printed box (its grid region), PDF points with the origin bottom-left: where
-- the report highlights a finding. Null for cells read by an older extractor.
alter table raw.table_cells add column if not exists x0 double;
alter table raw.table_cells add column if not exists y0 double;
alter table raw.table_cells add column if not exists x1 double;
alter table raw.table_cells add column if not exists y1 double;

-- Figures the narrative (第三部分 情况说明) restates, for table-versus-narrative checks.
create table if not exists raw.narrative_figures (
    document_id  varchar not null,
    figure       varchar not null,           -- e.g. 本年收入合计, 三公经费决算数
    amount       decimal(20, 6) not null,    -- 万元, as printed
    page         integer not null,
    context      varchar not null,           -- the sentence fragment it was read from
    primary key (document_id, figure)
);

-- Every text line of every page as printed, with its box: what the checks of the printed
-- words read (headings, notes, the narrative's sentences) and where a finding points.
create table if not exists raw.page_lines (
    document_id  varchar not null,
    page         integer not null,           -- 1-based
    line_number  integer not null,           -- top to bottom on its page, from 1
    text         varchar not null,           -- the line as printed, a space where words part
    x0           double not null,            -- box in PDF points, origin bottom-left
    y0           double not null,
    x1           double not null,
    y1           double not null,
    primary key (document_id, page, line_number)
);

-- Chinese descriptions, visible with duckdb_columns() (the warehouse contract).
comment on table raw.documents is '文件版本表：每个见到的 PDF 文件版本（按内容哈希）一行，含已入库和被拒收的';
comment on column raw.documents.document_id is '文件内容的 sha256';
comment on column raw.documents.file_name is '收件目录中的文件名';
comment on column raw.documents.source_path is '相对收件目录的路径';
comment on column raw.documents.file_size is '文件大小（字节）';
comment on column raw.documents.page_count is '页数；无法打开时为空';
comment on column raw.documents.document_kind is '公开文件类型：决算或预算；无法识别时为空';
comment on column raw.documents.unit_name is '封面上的单位名称（去除空白）';
comment on column raw.documents.region is '地区，如枣庄市、上海市普陀区；未知时为空';
comment on column raw.documents.unit_level is '部门或单位';
comment on column raw.documents.fiscal_year is '财政年度：决算为决算年度，预算为预算年度';
comment on column raw.documents.status is '抽取状态：loaded 已入库，rejected 已拒收';
comment on column raw.documents.status_reason is '拒收原因（中文）；入库时为空';
comment on column raw.documents.extractor_version is '抽取程序版本';
comment on column raw.documents.ingested_at is '入库时间（UTC）';
comment on table raw.extracted_tables is '表格抽取表：每份已读文件的每张标准表一行（已抽取、空表或缺失）：决算九张 T01…T09；预算 B01…B09 各一行，B10、B11 印出时才有';
comment on column raw.extracted_tables.document_id is '文件内容的 sha256';
comment on column raw.extracted_tables.table_id is '标准表编号：决算 T01…T09，预算 B01…B11';
comment on column raw.extracted_tables.canonical_title is '标准表名';
comment on column raw.extracted_tables.printed_title is '文件中印刷的表名；缺失时为空';
comment on column raw.extracted_tables.status is 'extracted 已抽取，empty 空表（有说明），missing 缺失，not_in_template 模板不含此表（目录或表号表明未列此表）';
comment on column raw.extracted_tables.money_unit is '表上方印刷的金额单位（万元或元）';
comment on column raw.extracted_tables.first_page is '表格起始页（从 1 起）';
comment on column raw.extracted_tables.last_page is '表格结束页（从 1 起）';
comment on column raw.extracted_tables.note is '空表的说明文字，如“故本表无数据”';
comment on column raw.extracted_tables.parsing_report is 'camelot 逐页解析报告与抽取问题（JSON）';
comment on table raw.table_cells is '单元格表：每张表每行每列一个单元格，含出处';
comment on column raw.table_cells.document_id is '文件内容的 sha256';
comment on column raw.table_cells.table_id is '标准表编号：决算 T01…T09，预算 B01…B11';
comment on column raw.table_cells.row_number is '行在表中的顺序（从 1 起）';
comment on column raw.table_cells.page is '该行所在页（从 1 起）';
comment on column raw.table_cells.side is '收支两侧表的一侧：收入或支出；其他表为空';
comment on column raw.table_cells.subject_code is '科目编码（功能分类 3/5/7 位或经济分类 3/5 位）；合计等行为空';
comment on column raw.table_cells.line_label is '行名称（去除空白与序号）';
comment on column raw.table_cells.column_name is '标准列名，如基本支出';
comment on column raw.table_cells.printed_text is '印刷的单元格文字（空白为空串）';
comment on column raw.table_cells.amount is '金额（万元，按表上方单位精确换算）；空白或“-”为空';
comment on column raw.table_cells.reading_uncertain is '读数存疑：两种独立读法不一致，或表内合计的不符呈串列特征；存疑单元格上的核对结果为“需人工核对”';
comment on column raw.table_cells.uncertain_reason is '存疑原因（中文）；读数确定时为空';
comment on table raw.narrative_figures is '情况说明中复述的关键数字（用于表与文字说明的核对）';
comment on column raw.narrative_figures.document_id is '文件内容的 sha256';
comment on column raw.narrative_figures.figure is '数字名称，如本年收入合计、三公经费决算数';
comment on column raw.narrative_figures.amount is '金额（万元，按文字印刷）';
comment on column raw.narrative_figures.page is '所在页（从 1 起）';
comment on column raw.narrative_figures.context is '数字所在的原文片段';
comment on column raw.table_cells.x0 is '单元格框左边（PDF 点，原点在页面左下角）；旧版抽取程序读入的为空';
comment on column raw.table_cells.y0 is '单元格框下边（PDF 点，原点在页面左下角）';
comment on column raw.table_cells.x1 is '单元格框右边（PDF 点）';
comment on column raw.table_cells.y1 is '单元格框上边（PDF 点）';
comment on table raw.page_lines is '页面文字行表：每页每个印刷文字行一行，含位置框（供文字核对与报告中标出位置）';
comment on column raw.page_lines.document_id is '文件内容的 sha256';
comment on column raw.page_lines.page is '所在页（从 1 起）';
comment on column raw.page_lines.line_number is '行在页内自上而下的顺序（从 1 起）';
comment on column raw.page_lines.text is '印刷的文字（词间以一个空格分隔）';
comment on column raw.page_lines.x0 is '文字行框左边（PDF 点，原点在页面左下角）';
comment on column raw.page_lines.y0 is '文字行框下边（PDF 点）';
comment on column raw.page_lines.x1 is '文字行框右边（PDF 点）';
comment on column raw.page_lines.y1 is '文字行框上边（PDF 点）';
