/* fc-cli-demo.c: "fieldcase-cli demo" seeds an empty store with a
 * believable service centre: models, installed base, customers, parts, van
 * stock, knowledge base and 60 cases in every state, in Chinese and English,
 * among them the training course's worked examples (DOMAIN.md).
 *
 * Cases are replayed through the real store API with the clock set back to
 * when each step would have happened, in time order across all cases, so
 * deadlines come out on time, in warning or overdue as they would in life.
 * Everything lands in one transaction; a second run does nothing.
 */
#include "fc-cli.h"

#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-store-private.h"

#define HOUR_MS G_GINT64_CONSTANT (3600000)
#define N_CASES 60

/* ---- Reference data (personal data is invented; phone numbers are in
 * ranges reserved for fiction) ---- */

static const char models_csv[] =
  "model,name,category,warranty_months\n"
  "KFR-35GW,分体空调 1.5 匹 / Split air conditioner 1.5 HP,air_conditioner,36\n"
  "P30,P30 智能手机 / P30 smartphone,phone,12\n"
  "X1-PRO,X1 Pro 笔记本电脑 / X1 Pro laptop,pc,24\n"
  "WM-80,8 公斤滚筒洗衣机 / 8 kg front-load washer,washer,24\n"
  "RF-500,500 升冰箱 / 500 L refrigerator,fridge,36\n"
  "TV-55,\"55 英寸液晶电视 / 55\"\" LCD TV\",tv,24\n";

static const char customers_csv[] =
  "id,name,phone,address\n"
  "cu-001,张伟,13800000001,上海市浦东新区示例路 1 号\n"
  "cu-002,王芳,13800000002,北京市朝阳区样本街 12 号\n"
  "cu-003,李娜,13800000003,广州市天河区演示大道 88 号\n"
  "cu-004,刘洋,13800000004,成都市武侯区测试巷 5 号\n"
  "cu-005,陈静,13800000005,杭州市西湖区示范路 21 号\n"
  "cu-006,杨磊,13800000006,深圳市南山区科技园 3 栋\n"
  "cu-007,Emma Clarke,+44 20 7946 0001,\"1 Example Street, London\"\n"
  "cu-008,James Miller,+1 555 0100,\"42 Sample Avenue, Springfield\"\n"
  "cu-009,Sofia Rossi,+39 06 0000 0009,\"Via Esempio 9, Roma\"\n"
  "cu-010,Lukas Becker,+49 30 00000010,\"Musterstraße 10, Berlin\"\n"
  "cu-011,Aiko Tanaka,+81 3 0000 0011,\"1-2-3 Sample, Tokyo\"\n"
  "cu-012,Noah Dubois,+33 1 00 00 00 12,\"12 rue Exemple, Paris\"\n";

static const char installed_csv[] =
  "serial,gtin,model,customer_id,sale_date,warranty_end\n"
  "AC-24-0001,6901234000351,KFR-35GW,cu-001,2025-05-18,\n"
  "AC-24-0002,6901234000351,KFR-35GW,cu-007,2024-06-02,\n"
  "AC-24-0003,6901234000351,KFR-35GW,cu-004,2022-07-11,\n"
  "AC-24-0004,6901234000351,KFR-35GW,cu-010,2025-08-30,\n"
  "PH-30-0001,6901234000306,P30,cu-002,2026-02-14,\n"
  "PH-30-0002,6901234000306,P30,cu-008,2025-12-01,\n"
  "PH-30-0003,6901234000306,P30,cu-005,2024-10-10,\n"
  "PH-30-0004,6901234000306,P30,cu-011,2026-05-20,\n"
  "PC-X1-0001,6901234000146,X1-PRO,cu-003,2025-03-03,\n"
  "PC-X1-0002,6901234000146,X1-PRO,cu-009,2025-09-15,\n"
  "PC-X1-0003,6901234000146,X1-PRO,cu-006,2023-11-11,\n"
  "PC-X1-0004,6901234000146,X1-PRO,cu-012,2026-01-08,\n"
  "WM-80-0001,6901234000801,WM-80,cu-004,2025-04-01,\n"
  "WM-80-0002,6901234000801,WM-80,cu-010,2024-12-24,\n"
  "WM-80-0003,6901234000801,WM-80,cu-001,2026-06-06,2029-06-06\n"
  "RF-50-0001,6901234005004,RF-500,cu-005,2024-08-08,\n"
  "RF-50-0002,6901234005004,RF-500,cu-011,2025-07-07,\n"
  "RF-50-0003,6901234005004,RF-500,cu-002,2023-02-02,\n"
  "TV-55-0001,6901234000559,TV-55,cu-006,2025-10-01,\n"
  "TV-55-0002,6901234000559,TV-55,cu-012,2026-03-15,\n"
  "TV-55-0003,6901234000559,TV-55,cu-003,2024-01-20,\n"
  "TV-55-0004,6901234000559,TV-55,cu-009,2025-11-11,\n";

static const char parts_csv[] =
  "part_number,gtin,name,models\n"
  "P-FILTER-35,6901234100358,空调过滤网 / Air filter,KFR-35GW\n"
  "P-RAM-8G,6901234100082,8 GB 内存条 / 8 GB memory module,X1-PRO\n"
  "P-BEARING-80,6901234100808,滚筒轴承 / Drum bearing,WM-80\n"
  "P-BOARD-P30,6901234100303,主板 / Main board,P30\n"
  "P-CAP-500,6901234105001,压缩机启动电容 / Compressor start capacitor,RF-500\n"
  "P-HDMI-55,6901234100556,HDMI 接口板 / HDMI board,TV-55\n";

static const char van_stock_csv[] =
  "part_number,quantity\n"
  "P-FILTER-35,20\n"
  "P-RAM-8G,12\n"
  "P-BEARING-80,8\n"
  "P-CAP-500,10\n"
  "P-HDMI-55,3\n";

static const char kb_csv[] =
  "id,model,symptom,cause,fix\n"
  "kb-ac-filter-zh,KFR-35GW,空调制冷效果不佳,过滤网堵塞，风量不足,清洗过滤网，调整运行参数；建议每三个月清洗一次\n"
  "kb-ac-filter-en,KFR-35GW,Air conditioner cools poorly,Clogged filter reduces the airflow,"
  "\"Clean the filter, adjust the settings; clean it every three months\"\n"
  "kb-phone-reboot-zh,P30,手机反复重启,固件 2.1.3 系统缺陷,升级系统到 2.1.5\n"
  "kb-phone-reboot-en,P30,Phone reboots repeatedly,System bug in firmware 2.1.3,Upgrade the system to 2.1.5\n"
  "kb-pc-bluescreen-zh,X1-PRO,电脑蓝屏,内存条故障,用内存检测工具找出故障内存条并更换，全面检测\n"
  "kb-pc-bluescreen-en,X1-PRO,PC shows a blue screen,Faulty memory module,"
  "\"Find the faulty module with a memory test, replace it, run a full check\"\n"
  "kb-washer-noise-en,WM-80,Loud noise when spinning,Worn drum bearing,Replace the drum bearing\n"
  "kb-tv-signal-zh,TV-55,电视显示无信号,信号源选择错误,指导用户切换信号源\n";

/* ---- Case scenarios: what goes wrong, in both languages ---- */

typedef struct {
  const char *serial_prefix;
  const char *kind, *problem_type, *channel;
  const char *description, *symptom, *cause, *method;
  const char *result, *steps;
  const char *action, *plan, *acceptance;
  const char *part;            /* NULL: no part replaced */
  const char *work, *summary;
} Scenario;

/* [scenario][0 = 中文, 1 = English] */
static const Scenario scenarios[][2] = {
  { { "AC-24-000", "repair", "quality", "phone",
      "空调制冷效果不佳，出风口温度偏高", "制冷效果不佳", "过滤网堵塞", "on_site",
      "reproduced", "制冷模式运行 20 分钟，出风口温度 22°C",
      "clean_adjust", "清洗过滤网，调整运行参数", "出风口温度低于 14°C",
      NULL, "清洗过滤网，调整参数，试运行正常", "过滤网堵塞，清洗后制冷恢复正常" },
    { "AC-24-000", "repair", "quality", "phone",
      "Air conditioner cools poorly; the air from the outlet is warm", "Cools poorly",
      "Filter clogged with dust", "on_site",
      "reproduced", "Ran 20 minutes on cool: outlet air at 22 °C",
      "clean_adjust", "Clean the filter and adjust the settings", "Outlet air below 14 °C",
      NULL, "Cleaned the filter, adjusted the settings, test run normal",
      "Clogged filter; cooling normal after cleaning" } },
  { { "PH-30-000", "repair", "technical", "online",
      "手机反复重启，每天好几次", "手机反复重启", "系统缺陷（固件 2.1.3）", "history",
      "reproduced", "打开蓝牙播放视频，5 分钟内重启",
      "software_update", "升级系统到 2.1.5", "连续使用 24 小时无重启",
      NULL, "系统已升级到 2.1.5，观察 1 小时正常", "系统缺陷，升级后解决" },
    { "PH-30-000", "repair", "technical", "online",
      "Phone reboots repeatedly, several times a day", "Reboots repeatedly",
      "System bug in firmware 2.1.3", "history",
      "reproduced", "Bluetooth on, playing a video: reboots within 5 minutes",
      "software_update", "Upgrade the system to 2.1.5", "No reboot in 24 hours of use",
      NULL, "Upgraded the system to 2.1.5, watched for an hour", "System bug; solved by the upgrade" } },
  { { "PC-X1-000", "repair", "quality", "face_to_face",
      "电脑蓝屏，重启后仍然出现", "电脑蓝屏", "内存条故障", "test_tool",
      "reproduced", "运行内存检测工具，第二根内存报错",
      "replace_parts", "更换故障内存条并全面检测", "内存检测和 8 小时压力测试通过",
      "P-RAM-8G", "更换内存条，全面检测通过", "硬件故障，更换内存条后解决" },
    { "PC-X1-000", "repair", "quality", "face_to_face",
      "PC shows a blue screen, again after a restart", "Blue screen",
      "Faulty memory module", "test_tool",
      "reproduced", "Memory test tool reports errors on the second module",
      "replace_parts", "Replace the faulty memory module and run a full check",
      "Memory test and an 8-hour stress test pass",
      "P-RAM-8G", "Replaced the memory module; full check passed",
      "Hardware fault; solved by replacing the module" } },
  { { "WM-80-000", "repair", "quality", "phone",
      "洗衣机脱水时噪音很大", "脱水噪音大", "滚筒轴承磨损", "on_site",
      "intermittent", "空载脱水三次，第二次出现异响",
      "replace_parts", "更换滚筒轴承", "脱水时噪音低于 70 dB",
      "P-BEARING-80", "更换滚筒轴承，试运行正常", "轴承磨损，更换后解决" },
    { "WM-80-000", "repair", "quality", "phone",
      "Washing machine is very loud when spinning", "Loud when spinning",
      "Worn drum bearing", "on_site",
      "intermittent", "Three empty spin cycles: noise on the second",
      "replace_parts", "Replace the drum bearing", "Spin noise below 70 dB",
      "P-BEARING-80", "Replaced the drum bearing; test run normal", "Worn bearing, replaced" } },
  { { "RF-50-000", "repair", "quality", "phone",
      "冰箱冷藏室不制冷", "冷藏室不制冷", "压缩机启动电容损坏", "test_tool",
      "reproduced", "压缩机无法启动，电容容量为零",
      "repair", "更换压缩机启动电容", "冷藏室 4 小时内降到 5°C 以下",
      "P-CAP-500", "更换启动电容，压缩机运转正常", "启动电容损坏，维修后解决" },
    { "RF-50-000", "repair", "quality", "phone",
      "Fridge compartment does not cool", "Not cooling",
      "Compressor start capacitor failed", "test_tool",
      "reproduced", "Compressor does not start; the capacitor reads zero",
      "repair", "Replace the compressor start capacitor", "Below 5 °C within 4 hours",
      "P-CAP-500", "Replaced the start capacitor; compressor runs", "Failed capacitor, repaired" } },
  { { "TV-55-000", "inquiry", "usage", "phone",
      "电视显示无信号", "无信号", "信号源选择错误", "on_site",
      "not_reproduced", "切换到 HDMI 1 后画面正常",
      "other", "指导用户切换信号源", "用户能自行切换信号源",
      NULL, "现场演示信号源切换", "操作问题，已指导用户" },
    { "TV-55-000", "inquiry", "usage", "phone",
      "TV says there is no signal", "No signal", "Wrong input source selected", "on_site",
      "not_reproduced", "Switched to HDMI 1: picture fine",
      "other", "Show the customer how to switch the input", "The customer switches inputs alone",
      NULL, "Showed the customer the input menu", "Usage question, customer shown" } },
  { { "AC-24-000", "complaint", "service", "phone",
      "工程师上门迟到两小时，态度不好", "上门迟到", "排班冲突，沟通不到位", "other",
      "not_reproduced", "核实排班记录与通话记录",
      "apology", "致电道歉并赠送一次免费清洗", "客户接受道歉",
      NULL, "主管致电道歉，预约免费清洗", "服务态度投诉，已道歉补偿" },
    { "PH-30-000", "complaint", "service", "email",
      "The engineer arrived two hours late and was rude", "Late visit",
      "Scheduling clash and poor communication", "other",
      "not_reproduced", "Checked the schedule and the call records",
      "apology", "Call to apologise and offer a free service", "The customer accepts",
      NULL, "The supervisor called and apologised", "Service complaint; apologised" } },
  { { "TV-55-000", "return", "logistics", "online",
      "收到的电视外壳破损", "外壳破损", "运输途中损坏", "on_site",
      "reproduced", "开箱照片显示外壳裂纹",
      "replace_unit", "换新机，与承运商理赔", "新机完好，客户签收",
      NULL, "新机已送达并安装", "运输损坏，已换货" },
    { "TV-55-000", "return", "logistics", "online",
      "The TV arrived with a cracked casing", "Cracked casing", "Damaged in transit", "on_site",
      "reproduced", "Unboxing photos show the crack",
      "replace_unit", "Exchange the unit; claim from the carrier", "New unit intact, signed for",
      NULL, "New unit delivered and installed", "Transit damage; exchanged" } },
};

static const char *const engineers[] = { "wang.wei", "li.na", "zhang.min", "sam.taylor" };
#define SUPERVISOR "chen.jie"
#define COUNTER    "zhao.lei"

/* ---- The steps of a case and when they happen ---- */

typedef enum {
  S_OPEN, S_RESPOND, S_ASSIGN, S_DIAGNOSE, S_REPRODUCE, S_PLAN, S_APPROVE, S_REJECT,
  S_AGREE, S_PART, S_WORK, S_RESOLVE, S_SCHEDULE, S_REVISIT_OK, S_REVISIT_BAD,
  S_CLOSE, S_CANCEL, S_NOTE, N_STEPS
} Step;

/* Hours after the step before; a slow engineer is realistic too. */
static const double step_gap_hours[N_STEPS] = {
  [S_OPEN] = 0, [S_RESPOND] = 1.5, [S_ASSIGN] = 0.2, [S_DIAGNOSE] = 4, [S_REPRODUCE] = 1,
  [S_PLAN] = 1, [S_APPROVE] = 2, [S_REJECT] = 3, [S_AGREE] = 2, [S_PART] = 16, [S_WORK] = 0.5,
  [S_RESOLVE] = 0.5, [S_SCHEDULE] = 0.1, [S_REVISIT_OK] = 72, [S_REVISIT_BAD] = 72,
  [S_CLOSE] = 1, [S_CANCEL] = 5, [S_NOTE] = 0.5,
};

typedef struct {
  const char *target;          /* the state the case ends in */
  const Step  path[16];        /* ends at S_OPEN (0) after the first */
} Route;

#define OPENED S_OPEN
#define TO_RESPONDED OPENED, S_RESPOND, S_ASSIGN
#define TO_DIAGNOSING TO_RESPONDED, S_DIAGNOSE
#define TO_REPRODUCED TO_DIAGNOSING, S_REPRODUCE
#define TO_PROPOSED TO_REPRODUCED, S_PLAN
#define TO_APPROVED TO_PROPOSED, S_APPROVE
#define TO_AGREED TO_APPROVED, S_AGREE
#define TO_REPAIR TO_AGREED, S_PART, S_WORK
#define TO_RESOLVED TO_REPAIR, S_RESOLVE
#define TO_SCHEDULED TO_RESOLVED, S_SCHEDULE
#define TO_REVISITED TO_SCHEDULED, S_REVISIT_OK

static const Route routes[] = {
  { "opened", { OPENED } },
  { "responded", { TO_RESPONDED } },
  { "diagnosing", { TO_DIAGNOSING, S_NOTE } },
  { "reproduced", { TO_REPRODUCED } },
  { "plan_proposed", { TO_PROPOSED } },
  { "plan_approved", { TO_APPROVED } },
  { "plan_rejected", { TO_PROPOSED, S_REJECT } },
  { "customer_agreed", { TO_AGREED } },
  { "in_repair", { TO_REPAIR } },
  { "resolved", { TO_RESOLVED } },
  { "revisit_scheduled", { TO_SCHEDULED } },
  { "revisited", { TO_REVISITED } },
  { "reopened", { TO_SCHEDULED, S_REVISIT_BAD } },
  { "closed", { TO_REVISITED, S_CLOSE } },
  { "cancelled", { TO_RESPONDED, S_CANCEL } },
};

typedef struct {
  const Scenario *sc;
  const Route    *route;
  int             index;
  char           *case_id;     /* owned, once opened */
  char           *serial;      /* owned */
  const char     *engineer;
  gint64          opened_ms;
} DemoCase;

typedef struct {
  gint64    when;
  DemoCase *dc;
  Step      step;
} Action;

/* Hours ago each case was opened: a mix of fresh, warning and overdue. */
static double
age_hours (int i,
           const Route *route)
{
  static const double early[] = { 3, 20, 30, 50 };        /* 24 h response */
  static const double middle[] = { 12, 60, 100, 30 };     /* 72 h repair */
  static const double late[] = { 150, 400, 800, 260 };    /* done, revisited … */
  int variant = (i / (int) G_N_ELEMENTS (routes)) % 4;

  if (route == &routes[0])
    return early[variant];
  if (route < &routes[9])
    return middle[variant];
  return late[variant];
}

static double
route_hours (const Route *route)
{
  double total = 0;

  for (int s = 1; s < 16 && route->path[s] != S_OPEN; s++)
    total += step_gap_hours[route->path[s]];
  return total;
}

/* Every step of @dc at its time; squeezed when the case is younger than
 * its steps take, so nothing happens in the future. */
static void
plan_case (DemoCase *dc,
           gint64    now_ms,
           GArray   *actions)
{
  double age = age_hours (dc->index, dc->route);
  double need = route_hours (dc->route);
  double scale = need > age * 0.9 ? age * 0.9 / need : 1.0;
  double t = 0;

  dc->opened_ms = now_ms - (gint64) (age * HOUR_MS);
  for (int s = 0; s < 16 && (s == 0 || dc->route->path[s] != S_OPEN); s++)
    {
      Step step = dc->route->path[s];
      Action a = { 0, dc, step };

      t += step_gap_hours[step] * scale;
      a.when = dc->opened_ms + (gint64) (t * HOUR_MS) + s;   /* + s: a strict order */
      g_array_append_val (actions, a);
    }
}

static gint
compare_actions (gconstpointer a,
                 gconstpointer b)
{
  const Action *x = a, *y = b;

  return x->when < y->when ? -1 : x->when > y->when;
}

/* ---- Recording one step ---- */

static JsonObject *
payload_of (const char *first, ...) G_GNUC_NULL_TERMINATED;

/* Alternating names and values; "#n" is an integer, "?b" a boolean. */
static JsonObject *
payload_of (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *k = first; k != NULL; k = va_arg (ap, const char *))
    {
      const char *v = va_arg (ap, const char *);
      if (v == NULL)
        continue;
      if (v[0] == '#')
        json_object_set_int_member (o, k, g_ascii_strtoll (v + 1, NULL, 10));
      else if (v[0] == '?')
        json_object_set_boolean_member (o, k, v[1] == 't');
      else
        json_object_set_string_member (o, k, v);
    }
  va_end (ap);
  return o;
}

static gboolean
open_demo_case (FcStore  *store,
                DemoCase *dc,
                GError  **error)
{
  const Scenario *sc = dc->sc;
  g_autoptr(JsonObject) unit = fc_store_lookup_serial (store, dc->serial, error);
  const char *severities[] = { "general", "general", "major", "urgent" };
  g_autoptr(JsonObject) p = NULL;

  if (unit == NULL)
    return FALSE;
  p = payload_of ("kind", sc->kind, "channel", sc->channel, "problem_type", sc->problem_type,
                  "severity", severities[(dc->index / 3) % 4], "description", sc->description,
                  "product_serial", dc->serial,
                  "model", json_object_get_string_member (unit, "model"),
                  "customer_id", json_object_get_string_member (unit, "customer_id"),
                  "assignee", dc->index % 3 == 0 ? NULL : dc->engineer,
                  "outlet", dc->index % 2 == 0 ? "上海浦东服务网点" : "Central service outlet",
                  "order_number", g_str_equal (sc->kind, "return") ? "SO-2026-00417" : NULL,
                  NULL);
  dc->case_id = fc_store_open_case (store, p, COUNTER, error);
  return dc->case_id != NULL;
}

/* A signature as SVG strokes: each one a little different. */
static char *
put_signature (FcStore  *store,
               DemoCase *dc,
               GError  **error)
{
  g_autofree char *svg = g_strdup_printf (
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 60\">"
    "<path d=\"M10 40 C 40 %d, 60 55, 90 20 S 150 50, 190 %d\" fill=\"none\" stroke=\"black\"/></svg>",
    5 + dc->index % 30, 10 + dc->index % 40);
  g_autoptr(GBytes) bytes = g_bytes_new (svg, strlen (svg));

  return fc_store_put_blob (store, bytes, "image/svg+xml", error);
}

static JsonObject *
step_payload (FcStore  *store,
              DemoCase *dc,
              Step      step,
              gint64    when,
              GError  **error)
{
  const Scenario *sc = dc->sc;
  gboolean zh = dc->index % 2 == 0;
  g_autofree char *deadline = fc_time_format_ms (when + 48 * HOUR_MS);
  g_autofree char *due = fc_time_format_ms (when + 72 * HOUR_MS);
  g_autofree char *sha = NULL;

  switch (step)
    {
    case S_RESPOND: return payload_of ("note", zh ? "已电话联系客户，预约上门" : "Called the customer, booked a visit", NULL);
    case S_ASSIGN: return payload_of ("assignee", dc->engineer, NULL);
    case S_DIAGNOSE: return payload_of ("symptom", sc->symptom, "cause", sc->cause, "method", sc->method,
                                        "complex", dc->index % 7 == 3 ? "?t" : NULL, NULL);
    case S_REPRODUCE: return payload_of ("result", sc->result, "steps", sc->steps, NULL);
    case S_PLAN: return payload_of ("action", sc->action, "description", sc->plan, "owner", dc->engineer,
                                    "deadline", deadline, "acceptance", sc->acceptance,
                                    "approval_required", "?t", NULL);
    case S_APPROVE: return payload_of ("approver", SUPERVISOR, "comment", zh ? "同意" : "Approved", NULL);
    case S_REJECT: return payload_of ("approver", SUPERVISOR, "reason",
                                      zh ? "先确认保修状态再换件" : "Check the warranty before replacing parts", NULL);
    case S_AGREE: return payload_of ("note", zh ? "客户同意方案" : "The customer agrees", NULL);
    case S_PART: return payload_of ("part_number", sc->part, "quantity", "#1", NULL);
    case S_WORK: return payload_of ("description", sc->work, "minutes", "#30", NULL);
    case S_RESOLVE:
      if ((sha = put_signature (store, dc, error)) == NULL)
        return NULL;
      return payload_of ("signer", zh ? "客户本人" : "The customer", "signature_sha256", sha,
                         "signature_svg_sha256", sha, "satisfaction", dc->index % 5 == 1 ? "#4" : "#5",
                         "summary", sc->summary, NULL);
    case S_SCHEDULE: return payload_of ("due", due, NULL);
    case S_REVISIT_OK: return payload_of ("solved", "?t", "satisfaction", "#5",
                                          "comment", zh ? "问题已解决，很满意" : "Solved, very happy", NULL);
    case S_REVISIT_BAD: return payload_of ("solved", "?f", "satisfaction", "#2",
                                           "comment", zh ? "问题又出现了" : "The problem came back", NULL);
    case S_CLOSE: return payload_of ("summary", sc->summary, NULL);
    case S_CANCEL: return payload_of ("reason", zh ? "客户撤回报修" : "The customer withdrew the request", NULL);
    case S_NOTE: return payload_of ("text", zh ? "客户希望上午上门" : "The customer prefers mornings", NULL);
    case S_OPEN:
    case N_STEPS:
    default: break;
    }
  g_assert_not_reached ();
}

static const char *const step_types[N_STEPS] = {
  [S_RESPOND] = FC_EV_CASE_RESPONDED, [S_ASSIGN] = FC_EV_CASE_ASSIGNED,
  [S_DIAGNOSE] = FC_EV_DIAGNOSIS_RECORDED, [S_REPRODUCE] = FC_EV_REPRODUCTION_RECORDED,
  [S_PLAN] = FC_EV_PLAN_PROPOSED, [S_APPROVE] = FC_EV_PLAN_APPROVED, [S_REJECT] = FC_EV_PLAN_REJECTED,
  [S_AGREE] = FC_EV_CUSTOMER_AGREED, [S_PART] = FC_EV_PART_REPLACED, [S_WORK] = FC_EV_WORK_RECORDED,
  [S_RESOLVE] = FC_EV_CASE_RESOLVED, [S_SCHEDULE] = FC_EV_REVISIT_SCHEDULED,
  [S_REVISIT_OK] = FC_EV_REVISIT_RECORDED, [S_REVISIT_BAD] = FC_EV_REVISIT_RECORDED,
  [S_CLOSE] = FC_EV_CASE_CLOSED, [S_CANCEL] = FC_EV_CASE_CANCELLED, [S_NOTE] = FC_EV_NOTE_ADDED,
};

static const char *
step_author (DemoCase *dc,
             Step      step)
{
  if (step == S_APPROVE || step == S_REJECT)
    return SUPERVISOR;
  if (step == S_REVISIT_OK || step == S_REVISIT_BAD || step == S_CLOSE)
    return COUNTER;
  return dc->engineer;
}

static gboolean
run_action (FcStore *store,
            FcClock *clock,
            Action  *a,
            GError **error)
{
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(FcEvent) event = NULL;
  Step step = a->step;

  fc_clock_set_fixed_ms (clock, a->when);
  if (step == S_OPEN)
    return open_demo_case (store, a->dc, error);
  /* A fix without parts goes straight to the work record. */
  if (step == S_PART && a->dc->sc->part == NULL)
    return TRUE;
  payload = step_payload (store, a->dc, step, a->when, error);
  if (payload == NULL)
    return FALSE;
  event = fc_store_record (store, a->dc->case_id, step_types[step], payload,
                           step_author (a->dc, step), error);
  if (event == NULL)
    g_prefix_error (error, "demo case %d, %s: ", a->dc->index, step_types[step]);
  return event != NULL;
}

/* ---- The whole seeding ---- */

static void
demo_case_init (DemoCase *dc,
                int       i)
{
  /* The first six are the course's worked examples, closed, in both
   * languages: the phone, the PC and the air conditioner. */
  static const int worked[] = { 1, 2, 0 };
  int scenario = i < 6 ? worked[i / 2] : (i * 5 + i / 8) % (int) G_N_ELEMENTS (scenarios);
  const Route *route = i < 6 ? &routes[13] : &routes[(i - 6) % G_N_ELEMENTS (routes)];

  dc->index = i;
  dc->sc = &scenarios[scenario][i % 2];
  dc->route = route;
  dc->engineer = engineers[i % G_N_ELEMENTS (engineers)];
  dc->serial = g_strdup_printf ("%s%d", dc->sc->serial_prefix, 1 + (i / 2) % 3);
}

static void
demo_case_clear (DemoCase *dc)
{
  g_clear_pointer (&dc->case_id, g_free);
  g_clear_pointer (&dc->serial, g_free);
}

static gboolean
import_reference (FcStore *store,
                  GError **error)
{
  static const struct { FcRefKind kind; const char *csv; } tables[] = {
    { FC_REF_MODELS, models_csv }, { FC_REF_CUSTOMERS, customers_csv },
    { FC_REF_INSTALLED, installed_csv }, { FC_REF_PARTS, parts_csv },
    { FC_REF_VAN_STOCK, van_stock_csv }, { FC_REF_KB, kb_csv },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!fc_store_import_csv (store, tables[i].kind, tables[i].csv, strlen (tables[i].csv), error))
      {
        g_prefix_error (error, "demo %s: ", fc_ref_kind_to_string (tables[i].kind));
        return FALSE;
      }
  return TRUE;
}

/* A step HQ recorded on a case this device had already closed: it lands as
 * a conflict, so the demo shows what one looks like. */
static gboolean
ingest_conflict (FcStore  *store,
                 DemoCase *dc,
                 gint64    now_ms,
                 GError  **error)
{
  g_autofree char *id = fc_uuid7_new (now_ms);
  g_autoptr(JsonObject) payload = payload_of ("approver", SUPERVISOR, "reason",
                                              "Plan rejected at HQ after the fact", NULL);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);

  g_ptr_array_add (events, fc_event_new (id, dc->case_id, FC_EV_PLAN_REJECTED,
                                         FC_HLC_MAKE (now_ms - HOUR_MS, 0), "hq-demo", SUPERVISOR,
                                         payload));
  return fc_store_ingest (store, events, FC_SYNC_REMOTE, error);
}

static gboolean
seed_cases (FcStore *store,
            FcClock *clock,
            gint64   now_ms,
            GError **error)
{
  DemoCase cases[N_CASES] = { { 0 } };
  g_autoptr(GArray) actions = g_array_new (FALSE, FALSE, sizeof (Action));
  gboolean ok = TRUE;

  for (int i = 0; i < N_CASES; i++)
    {
      demo_case_init (&cases[i], i);
      plan_case (&cases[i], now_ms, actions);
    }
  /* In time order across all cases: stamps only move forward. */
  g_array_sort (actions, compare_actions);
  for (guint i = 0; ok && i < actions->len; i++)
    ok = run_action (store, clock, &g_array_index (actions, Action, i), error);
  fc_clock_set_fixed_ms (clock, now_ms);
  if (ok)
    ok = ingest_conflict (store, &cases[0], now_ms, error);
  for (int i = 0; i < N_CASES; i++)
    demo_case_clear (&cases[i]);
  return ok;
}

static gboolean
seed (FcStore *store,
      FcClock *clock,
      GError **error)
{
  gint64 now_ms = fc_clock_now_ms (clock);
  g_autofree char *stamp = fc_time_format_ms (now_ms);

  if (!fc_store_tx_begin (store, error))
    return FALSE;
  if (!import_reference (store, error) ||
      !seed_cases (store, clock, now_ms, error) ||
      !fc_store_set_meta (store, "demo.seeded", stamp, error) ||
      !fc_store_tx_commit (store, error))
    {
      if (store->tx_depth > 0)
        fc_store_tx_rollback (store);
      return FALSE;
    }
  return TRUE;
}

static int
run_demo (void)
{
  g_autoptr(FcClock) clock = fc_clock_new ();
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *seeded = NULL;
  FcCaseQuery all = { .filter = FC_CASE_FILTER_ALL };
  gint64 n;

  store = fc_store_new_with_clock (fc_cli_store_path, clock, &error);
  if (store == NULL)
    return fc_cli_fail (error);
  seeded = fc_store_get_meta (store, "demo.seeded");
  if (seeded != NULL)
    {
      g_print ("The store %s already holds the demo (seeded %s); nothing to do.\n",
               fc_store_get_path (store), seeded);
      return FC_CLI_OK;
    }
  n = fc_store_count_cases (store, &all, &error);
  if (n < 0)
    return fc_cli_fail (error);
  if (n > 0)
    return fc_cli_fail_input ("the store %s already holds %" G_GINT64_FORMAT " real cases; "
                              "the demo only seeds an empty store (use --store)",
                              fc_store_get_path (store), n);
  /* Start from a fixed now: every step is replayed at its own time. */
  fc_clock_set_fixed_ms (clock, fc_clock_now_ms (clock));
  if (!seed (store, clock, &error))
    return fc_cli_fail (error);
  g_print ("Seeded %s: 6 models, 22 installed products, 12 customers, 6 parts, "
           "8 knowledge-base articles and %d cases.\n", fc_store_get_path (store), N_CASES);
  return FC_CLI_OK;
}

int
fc_cli_cmd_demo (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("demo - seed an empty store with demo data");

  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 1)
    return fc_cli_fail_usage ("demo takes no arguments");
  return run_demo ();
}
