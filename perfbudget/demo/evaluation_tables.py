"""The demo's evaluation stage as plain data: the mix of self-evaluation states and claim errors, the units' texts,
the reviewers' comments, the agency and expert pool, and the three key evaluations. `evaluation.py` and `pools.py`
turn these tables into rows."""

# ------------------------------------------------------------------------------------------- self-evaluations
# Where a self-evaluation ends (weights), for clean tables and for those whose claims carry a typical error
# (errors are more often caught: returned, or still waiting for the joint review).
CLEAN_MIX = (("draft", 8), ("dept_review", 8), ("bureau_review", 12), ("returned", 4), ("accepted", 60),
             ("accepted_after_fix", 8))
ERROR_MIX = (("draft", 10), ("dept_review", 15), ("bureau_review", 20), ("bureau_review_fixed", 5), ("returned", 30),
             ("accepted_after_fix", 20))
ERROR_SHARE = 0.30
# The typical errors of published self-evaluation tables, as the audit names them.
ERROR_KINDS = ("TOTAL_MISMATCH", "MET_BUT_DOCKED", "MISSED_BUT_FULL", "WEIGHT_TIMES_ACTUAL", "GRADE_MISMATCH")
# The demo accounts' units: one self-evaluation in each state, in this order (by project code), through the
# services as the demo accounts. (state, claim error or "")
FORCED = {
    "640300-JYJ-02": (("accepted", ""), ("returned", "MET_BUT_DOCKED"), ("bureau_review", ""),
                      ("dept_review", "TOTAL_MISMATCH"), ("draft", ""), ("accepted_after_fix", "MISSED_BUT_FULL"),
                      ("bureau_review_fixed", "WEIGHT_TIMES_ACTUAL")),
    "640300-WJW-01": (("accepted", ""), ("returned", "GRADE_MISMATCH"), ("bureau_review", "MISSED_BUT_FULL"),
                      ("dept_review", ""), ("draft", ""), ("accepted_after_fix", "TOTAL_MISMATCH"),
                      ("returned_dept", "")),
    "640323-NYJ-01": (("accepted", ""), ("returned", "WEIGHT_TIMES_ACTUAL"), ("bureau_review", ""),
                      ("dept_review", "MET_BUT_DOCKED"), ("draft", ""), ("accepted_after_fix", "GRADE_MISMATCH")),
}
# Self-evaluations of the demo unit that the city's agency reviews with the bureau (第三方参与审核).
AGENCY_REVIEWED_STATES = ("bureau_review", "bureau_review_fixed")

OVERALL_ACTUAL = (
    "项目按年度计划组织实施，资金按进度拨付使用，主要产出和效益指标完成情况良好，年度绩效目标基本实现。",
    "年度各项任务全部完成，资金使用规范，服务对象满意度较高，项目实施取得了预期的经济效益和社会效益。",
    "项目总体进展顺利，产出数量和质量达到预期，个别指标受客观因素影响未全部完成，已分析原因并落实整改。",
)
OVERALL_ACTUAL_MISSED = (
    "项目总体按计划推进，但受资金到位时间和实施条件影响，部分产出指标未达到年度目标，年度绩效目标部分实现。",
    "项目实施进度滞后，资金支出集中在年底，部分指标未按期完成，整体绩效有待提升。",
)
CONCLUSIONS = (
    "经自评，项目预算执行和绩效目标完成情况较好，自评等级为“{grade}”。",
    "项目立项依据充分，资金管理规范，产出和效益基本达到预期，自评等级为“{grade}”。",
    "项目完成了年度主要任务，资金使用合规，自评等级为“{grade}”，在执行进度和指标完成方面仍有改进空间。",
)
PROBLEM_TEXTS = (
    "一是预算执行前松后紧，资金支出集中在四季度；二是部分绩效指标设置偏笼统，可衡量性不强。",
    "项目前期准备不够充分，政府采购耗时较长，影响了实施进度；绩效运行监控发现问题后整改不够及时。",
    "个别指标年度目标值设定偏低，未能充分体现项目实施效果；佐证资料收集整理不够规范。",
    "资金拨付进度与项目实施进度衔接不够紧密，满意度调查样本量偏小。",
)
IMPROVEMENT_TEXTS = (
    "加强项目前期论证和实施计划管理，按月跟踪预算执行进度；结合本年完成情况科学设置下年度绩效指标。",
    "提前启动政府采购程序，压实项目实施主体责任；完善绩效佐证资料归档管理，提高自评质量。",
    "强化绩效运行监控结果运用，发现偏差及时纠偏；扩大满意度调查覆盖面，客观反映服务对象评价。",
)
EXECUTION_REASONS = (
    "项目政府采购于年中完成，合同约定部分款项待验收合格后支付，年底前未达到付款条件。",
    "上级补助资金下达较晚，部分工程跨年度实施，剩余资金结转下年使用。",
    "项目实施方案调整，部分内容暂缓实施，相应资金未支出，已按程序申请调减。",
)
DEVIATION_NOTES = (
    "受资金到位时间和施工季节影响，该指标未完成年度目标；已将剩余任务纳入下年度计划，加快推进。",
    "实施过程中服务对象数量较预期减少，导致该指标未达到目标值；将优化实施方案，提高覆盖面。",
    "部分设备采购延迟交付，影响指标完成；已督促供应商按期交付，预计下年一季度完成。",
)
QUALITATIVE_REASONS = (
    "对照年度目标，相关工作全部完成，有验收报告和工作总结佐证，达成预期效果。",
    "相关制度已建立并执行，效果基本达到预期，个别环节仍需完善。",
)
WORD_ACTUALS = ("已达到预期效果", "效果明显", "持续发挥作用")
SUBMIT_COMMENTS = ("已按要求完成自评，请审核。", "请审核。", "")
RESUBMIT_COMMENT = "已按审核意见整改，请复核。"
DEPT_APPROVE = ("经审核，自评内容属实，同意报送财政。", "同意。", "已核对资金和指标完成数据，同意上报。")
DEPT_RETURN = ("部分指标实际完成值缺少佐证说明，请补充后重新提交。",
               "执行率偏低原因分析不具体，请结合项目实际补充说明。")
ACCEPT_COMMENTS = ("审核通过。", "自评结果基本客观，审核通过。", "同意，请单位做好自评结果公开。")
RETURN_COMMENT = "经联合审核，自评表存在以下问题，请在整改期限内整改后重新提交。"
# Problems a reviewer raises on a table the engine finds no error in (佐证、表述).
SOFT_PROBLEMS = (
    ("", "总体目标完成情况表述过于笼统，请对照年度目标逐项说明完成情况。"),
    ("", "产出指标实际完成值缺少佐证资料（验收报告、统计台账），请补充。"),
    ("", "存在问题和改进措施针对性不强，请结合项目实际具体说明。"),
)
FIX_NOTES = {
    "TOTAL_MISMATCH": "已重新核对各项得分，按各项得分之和更正自评总分。",
    "MET_BUT_DOCKED": "该指标已完成年度目标，已按规则改为满分。",
    "MISSED_BUT_FULL": "该指标未完成年度目标，已按完成率重新计分，并补充偏差原因分析。",
    "WEIGHT_TIMES_ACTUAL": "已改为按完成率计分，不再以分值乘实际完成值计算。",
    "GRADE_MISMATCH": "已按评价等级分数线更正自评等级。",
    "": "已按审核意见补充完善。",
}
SETTLE_NOTES = ("经复核，已整改到位。", "整改到位，同意。")

# ------------------------------------------------------------------------------------------------- spot check
SPOT_OPINIONS = (
    "经复核，单位自评基本客观，个别指标实际完成值与佐证资料不一致，已按核实数据重新计分。",
    "复核得分与自评得分基本一致，自评结果可信。",
    "单位自评偏高：部分指标未达到目标仍自评满分，已按完成率重新计分。",
)
UNIT_AGREES = "认可复核结果，将按复核意见做好整改。"
UNIT_DISAGREES = ("不认可第3项指标的复核结果：年底前已完成全部任务，验收报告附后，请予复核。")
# Reviewers re-checking an actual value on a sampled table: the first quantitative row falls short by this share.
SPOT_SHORTFALL = 0.9

# ------------------------------------------------------------------------------------------------------ pools
# Agencies: (organisation code or None to register a new one, name, owner region, serial for the credit code,
# fields, staff, certified, contact, qualifications, status, regions served)
AGENCIES = (
    ("640300-DSF-01", "宁夏明鉴绩效评价咨询有限公司", "640300", "MA76B3K21",
     ("fiscal", "education", "finance_audit", "social_security", "health"), 46, 21, "刘振宇",
     "财政部门备案的预算绩效管理第三方机构；注册会计师12人、高级会计师5人", "approved",
     ("640302", "640323", "640324")),
    ("640323-DSF-01", "盐池县盐州工程造价咨询有限公司", "640323", "MA76C8H40",
     ("urban_rural", "water", "transport", "agriculture", "finance_audit"), 28, 13, "吴海波",
     "工程造价咨询企业甲级资质；一级造价工程师9人", "approved", ()),
    (None, "宁夏正衡会计师事务所（有限公司）", "640300", "MA76D2L77",
     ("finance_audit", "fiscal", "procurement", "education"), 64, 30, "马建军",
     "会计师事务所执业证书（宁财会〔2016〕18号）；注册会计师26人", "approved", ("640302", "640323", "640324")),
    (None, "吴忠市华信工程咨询有限公司", "640300", "MA76E5N19",
     ("urban_rural", "transport", "water", "environment"), 35, 14, "王立新",
     "工程咨询单位乙级资信；注册咨询工程师（投资）8人", "approved", ("640302", "640324")),
    (None, "宁夏天元绩效管理咨询有限公司", "640300", "MA76F7P63",
     ("fiscal", "health", "social_security", "culture_tourism", "agriculture"), 22, 9, "李娟",
     "预算绩效管理咨询；承担自治区本级重点绩效评价项目14项", "approved", ("640302", "640323", "640324")),
    (None, "中卫市沙坡头工程咨询有限责任公司", "640300", "MA76G9Q02",
     ("urban_rural", "agriculture", "water", "environment"), 18, 7, "张志刚",
     "工程咨询单位乙级资信", "approved", ()),
    (None, "固原市宏达会计师事务所有限公司", "640300", "MA76H4R58",
     ("finance_audit", "fiscal", "education"), 30, 12, "杨文斌",
     "会计师事务所执业证书", "suspended", ("640323",)),
    (None, "银川市信和资产评估事务所有限公司", "640300", "MA76J6T84",
     ("finance_audit", "procurement", "information"), 16, 6, "赵敏",
     "资产评估资格证书；申请入库材料待审核", "pending", ()),
)
SUSPEND_REASON = "2024年承担某县重点绩效评价时出具的评价报告数据严重失实，经核查属实，暂停入库资格。"
MAJOR_VIOLATION = ("2024-11-15", "承担重点绩效评价时未按规定开展现场核查，评价报告关键数据与实际严重不符，"
                   "评价结论失实。", "吴忠市财政局绩效科核查通报")
MINOR_VIOLATION = ("2025-06-20", "评价报告未按合同约定时间提交，逾期12天。", "合同履约检查")

# Experts: (username or None, name, owner region, employer, employer organisation code or None, title, fields,
# status, regions served)
EXPERTS = (
    ("city_expert", "陈思远", "640300", "宁夏大学经济管理学院", None, "教授", ("education", "finance_audit", "fiscal"),
     "approved", ("640302", "640324")),
    ("county_expert", "郭明亮", "640323", "盐池县农业技术推广服务中心", None, "高级农艺师",
     ("agriculture", "water", "environment"), "approved", ()),
    (None, "王海燕", "640300", "北方民族大学商学院", None, "副教授", ("education", "finance_audit"), "approved", ()),
    (None, "刘建华", "640300", "宁夏回族自治区审计厅（退休）", None, "高级审计师",
     ("education", "finance_audit", "procurement"), "approved", ("640323",)),
    (None, "马文杰", "640300", "宁夏大学土木与水利工程学院", None, "教授", ("water", "urban_rural"), "approved",
     ("640323", "640324")),
    (None, "杨淑芳", "640300", "吴忠市人民医院", "640300-WJW-01", "主任医师", ("health",), "approved", ()),
    (None, "张国庆", "640300", "宁夏财经职业技术学院", None, "副教授", ("fiscal", "social_security"), "approved",
     ("640302",)),
    (None, "李红梅", "640300", "宁夏正衡会计师事务所", None, "注册会计师", ("finance_audit", "fiscal"), "approved", ()),
    (None, "丁卫东", "640300", "吴忠市农业农村局（退休）", None, "推广研究员", ("agriculture",), "approved",
     ("640323", "640324")),
    (None, "白雪", "640300", "宁夏社会科学院", None, "研究员", ("social_security", "culture_tourism"), "approved",
     ("640302", "640323")),
    (None, "何志强", "640300", "宁夏交通建设股份有限公司", None, "正高级工程师", ("transport", "urban_rural"),
     "approved", ("640324",)),
    (None, "周丽", "640300", "宁夏回族自治区信息中心", None, "高级工程师", ("information", "procurement"), "approved",
     ()),
    (None, "孙浩", "640300", "宁夏医科大学公共卫生学院", None, "教授", ("health", "social_security"), "approved",
     ("640323",)),
    (None, "冯晓燕", "640300", "吴忠市生态环境监测站", None, "高级工程师", ("environment", "water"), "approved", ()),
    (None, "韩永平", "640300", "吴忠市第一中学", None, "正高级教师", ("education",), "suspended", ()),
    (None, "田春生", "640323", "盐池县水务局（退休）", None, "高级工程师", ("water", "agriculture", "urban_rural"),
     "approved", ()),
    (None, "苏晓明", "640323", "宁夏大学农学院", None, "教授", ("agriculture", "water", "environment"), "approved", ()),
    (None, "金玉兰", "640323", "盐池县滩羊产业发展服务中心", None, "高级畜牧师", ("agriculture",), "approved", ()),
    (None, "罗建新", "640323", "盐池县财政局（退休）", None, "高级会计师", ("fiscal", "finance_audit"), "approved",
     ()),
    (None, "余静", "640300", "宁夏理工学院", None, "讲师", ("culture_tourism", "information"), "pending", ()),
)
EXPERT_SUSPEND_REASON = "本人申请：借调参与自治区专项巡视工作，期间暂停参加评审。"
# Declared conflicts: (expert name, organisation code, relation)
CONFLICTS = (
    ("杨淑芳", "640300-WJW", "本人任职于吴忠市人民医院（吴忠市卫生健康委员会所属单位），回避该部门的评价。"),
    ("王海燕", "640300-JYJ-02", "配偶在吴忠市第三中学任教，回避该校项目评价。"),
    ("丁卫东", "640323-NYJ", "曾任盐池县农业农村局项目评审组成员，三年内回避。"),
)
AGENCY_TIES = (("宁夏正衡会计师事务所（有限公司）", "640300-JYJ"),)  # 为其提供年度财务审计
# Ratings history (jobs before the demo year, no object in the system): subject name → ((label, score), ...)
RATINGS = {
    "宁夏明鉴绩效评价咨询有限公司": (("2024年吴忠市职业教育发展资金重点绩效评价", 91),
                                       ("2024年利通区农村饮水安全工程重点绩效评价", 88)),
    "宁夏正衡会计师事务所（有限公司）": (("2024年吴忠市城市道路维护项目重点绩效评价", 86),
                                       ("2023年同心县义务教育薄弱环节改善项目重点绩效评价", 84)),
    "吴忠市华信工程咨询有限公司": (("2024年利通区老旧小区改造项目重点绩效评价", 79),
                               ("2023年吴忠市黄河堤防加固工程重点绩效评价", 82)),
    "宁夏天元绩效管理咨询有限公司": (("2024年盐池县基本公共卫生服务项目重点绩效评价", 90),
                                   ("2024年同心县城乡居民医疗救助资金重点绩效评价", 87)),
    "中卫市沙坡头工程咨询有限责任公司": (("2023年盐池县高标准农田建设项目重点绩效评价", 76),
                                       ("2024年同心县小型水利工程维修养护项目重点绩效评价", 80)),
    "固原市宏达会计师事务所有限公司": (("2024年某县义务教育营养改善计划重点绩效评价", 52),
                                     ("2023年吴忠市政府采购项目绩效评价", 61)),
    "王海燕": (("2024年吴忠市职业教育发展资金重点绩效评价", 92), ("2023年利通区学前教育项目评审", 89)),
    "刘建华": (("2024年吴忠市城市道路维护项目重点绩效评价", 88), ("2024年吴忠市政府采购项目绩效评价", 90)),
    "马文杰": (("2024年利通区农村饮水安全工程重点绩效评价", 85), ("2023年吴忠市黄河堤防加固工程重点绩效评价", 87)),
    "张国庆": (("2024年同心县城乡居民医疗救助资金重点绩效评价", 83), ("2023年吴忠市就业补助资金重点绩效评价", 80)),
    "李红梅": (("2024年吴忠市职业教育发展资金重点绩效评价", 90), ("2024年吴忠市政府采购项目绩效评价", 88)),
    "丁卫东": (("2023年盐池县高标准农田建设项目重点绩效评价", 56), ("2024年同心县小型水利工程维修养护项目"
                                                               "重点绩效评价", 58)),
    "白雪": (("2023年吴忠市就业补助资金重点绩效评价", 86), ("2024年利通区公共文化服务体系建设项目评审", 84)),
    "孙浩": (("2024年盐池县基本公共卫生服务项目重点绩效评价", 91), ("2024年同心县城乡居民医疗救助资金重点绩效评价",
                                                           89)),
    "冯晓燕": (("2024年利通区农村饮水安全工程重点绩效评价", 82), ("2023年吴忠市大气污染防治项目评审", 85)),
    "苏晓明": (("2023年盐池县高标准农田建设项目重点绩效评价", 88), ("2024年盐池县滩羊产业发展项目评审", 86)),
    "罗建新": (("2024年盐池县基本公共卫生服务项目重点绩效评价", 84), ("2023年盐池县财政专项资金评审", 83)),
    "陈思远": (("2024年吴忠市职业教育发展资金重点绩效评价", 93), ("2023年同心县义务教育薄弱环节改善项目重点绩效评价",
                                                         90)),
}
RATING_COMMENTS = {True: "评价工作组织规范，报告质量较高，按期完成。", False: "评价工作不够扎实，报告数据核实不充分。"}

# ---------------------------------------------------------------------------------------------- key evaluations
# The finished one: scored by the drawn agency and experts, total 92.75 (优) as in S003 (DOMAIN.md §5).
FINISHED_REGION = "640323"
FINISHED_UNIT = "640323-NYJ-01"
FINISHED_FIELDS = ("agriculture", "water")           # the agency drawn must cover both
FINISHED_EXPERT_FIELDS = ("agriculture", "water")    # exactly three county experts cover both
FINISHED_TOTAL = "92.75"
# Points docked per framework item (codes of the national project framework); the rest score full marks.
FINISHED_DEDUCTIONS = {"A22": "0.5", "A31": "0.5", "B12": "1.25", "B22": "0.5", "C11": "1.5", "C31": "1",
                       "D11": "0.75", "D21": "1.25"}
# Per-evaluator spread (agency, expert 1, expert 2, expert 3) on the docked items: sums to zero, so the means are
# the planned scores, and well inside the 20% spread that would ask for a reason.
SPREAD = ("0.1", "-0.1", "0", "0")
EVIDENCE = ("查阅项目立项批复、实施方案和绩效目标申报表", "核对国库集中支付明细和会计凭证", "现场查看和抽样核实",
            "查阅验收报告、统计台账", "问卷调查（有效问卷312份）")
FINISHED_REPORT = {
    "background": "{project}是盐池县实施乡村振兴战略的重点项目，{year}年预算{amount}万元，由{unit}组织实施。"
                  "根据《盐池县预算绩效管理办法》，县财政局委托第三方机构对该项目开展重点绩效评价。",
    "work_done": "评价组于2026年1月至3月开展评价工作：制定评价方案、设计指标体系，查阅项目资料，核对资金支付凭证，"
                 "现场核查项目实施情况8处，发放满意度问卷320份、回收有效问卷312份，并与项目单位交换了评价意见。",
    "conclusion": "项目立项依据充分，资金管理较为规范，主要产出和效益指标完成良好，服务对象满意度较高。"
                  "经评价，项目综合得分92.75分，评价等级为“优”。",
    "indicator_analysis": "决策类指标得分14分，过程类指标得分18.25分，产出类指标得分32.5分，效益类指标得分28分。"
                          "扣分主要集中在预算执行率、实际完成率和服务对象满意度。",
    "experience": "坚持“先谋划后申报”，项目储备充分；建立了县乡两级联动的项目实施机制。",
    "problems_causes": "一是预算执行进度前慢后快，年底集中支付；二是个别产出指标完成时间滞后于计划；"
                       "三是绩效目标中部分效益指标量化不足。",
}
FINDINGS = (
    ("budget", "预算执行进度前慢后快，11-12月支付占全年支出的46%，资金效益发挥滞后。", None, "B12"),
    ("output", "计划建设内容中有2处未按期完工，实际完成率为93.8%。", None, "C11"),
    ("goals", "效益指标“带动农户增收”未设定量化目标值，难以衡量项目效益。", None, "A22"),
    ("funds", "项目管理费列支会议费1.2万元，超出实施方案核定范围。", "12000", "B22"),
)
RECOMMENDATIONS = (
    ("科学编制项目资金支付计划，按季度跟踪执行进度，避免年底突击支出。", "盐池县农业农村局"),
    ("完善项目绩效目标，对效益指标设定可量化、可考核的目标值。", "盐池县农业农村局"),
    ("严格执行项目资金管理办法，清理超范围列支的费用并调整账务。", "项目实施单位"),
    ("将评价结果作为下年度预算安排的重要依据，对评价等级为“优”的项目优先保障。", "盐池县财政局"),
)
RATING_AFTER_JOB = (("95", "评价方案科学，现场核查扎实，报告质量高。"), ("92", "打分客观，评分依据充分。"))
# The one in scoring: a city project of the demo unit's department, drawn from the city's pool.
SCORING_DEPARTMENT = "640300-JYJ"
SCORING_FIELDS = ("education", "social_security")     # only the city's demo agency covers both
SCORING_EXPERT_FIELDS = ("education", "finance_audit")  # exactly three experts incl. city_expert cover both
SCORING_EXPERT_DONE = "王海燕"  # would conflict with 640300-JYJ-02, so the evaluated project is another unit's
SCORING_REPORT = {
    "background": "{project}是吴忠市教育领域的重点支出项目，{year}年预算{amount}万元。根据年度重点绩效评价计划，"
                  "市财政局委托第三方机构和专家开展评价。",
}
# The planned one comes from the candidates of the monitoring (execution below 70% two years running).
PLANNED_BACKGROUND = "该项目连续两年预算执行率低于70%（运行监控发现），列入{year}年度重点绩效评价计划。"
