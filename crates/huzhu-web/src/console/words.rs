//! Error messages and field names in the reader's language. The use cases write every message
//! as `中文 (English)`, both at once, because the JSON API answers every caller the same way; a
//! console page shows the half in the page's language, and names the field at fault in words
//! (出院日期, "discharge date"), never as its code (`claim.discharged`).

use super::i18n::Lang;

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c)
}

/// A run of text or a top-level parenthesised group, as [`message_in`] splits a message.
enum Piece<'a> {
    Text(&'a str),
    /// The inside of `( … )`, nested parentheses included.
    Group(&'a str),
}

fn pieces(message: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (i, ch) in message.char_indices() {
        match ch {
            '(' => {
                if depth == 0 {
                    out.push(Piece::Text(&message[start..i]));
                    start = i + 1;
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(Piece::Group(&message[start..i]));
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        // Unbalanced: not a message this function understands.
        return vec![Piece::Text(message)];
    }
    out.push(Piece::Text(&message[start..]));
    out
}

/// A message in the page's language. The use cases and the audit log write every message both
/// ways at once, each Chinese part followed by its English in parentheses —
/// `中文 (English)`, or several such parts: `已审核 → 已审批；核准 100.00 元 (Reviewed → Approved;
/// 100.00 yuan approved)；理由 (reason)：…`. Chinese keeps the text without the English groups;
/// English keeps the groups, joined as the Chinese parts were (`；` → `; `, `：` → `: `), and
/// any Chinese text left untranslated at the end (a reason someone typed). A message that is not
/// written this way is shown as it is.
pub fn message_in(lang: Lang, message: &str) -> String {
    let parts = pieces(message);
    // A group is an English translation when it holds no Chinese and follows Chinese text.
    let mut english = vec![false; parts.len()];
    let mut pending_cjk = false;
    for (i, p) in parts.iter().enumerate() {
        match p {
            Piece::Text(t) => pending_cjk |= t.chars().any(is_cjk),
            Piece::Group(g) => {
                if pending_cjk
                    && !g.chars().any(is_cjk)
                    && g.chars().any(|c| c.is_ascii_alphabetic())
                {
                    english[i] = true;
                    pending_cjk = false;
                }
            }
        }
    }
    if !english.iter().any(|e| *e) {
        return message.to_string();
    }
    let mut out = String::new();
    match lang {
        Lang::Zh => {
            for (i, p) in parts.iter().enumerate() {
                match p {
                    Piece::Text(t) => {
                        if english.get(i + 1).copied().unwrap_or(false) {
                            out.push_str(t.trim_end());
                        } else {
                            out.push_str(t);
                        }
                    }
                    Piece::Group(g) if !english[i] => {
                        out.push('(');
                        out.push_str(g);
                        out.push(')');
                    }
                    Piece::Group(_) => {}
                }
            }
        }
        Lang::En => {
            let last = english.iter().rposition(|e| *e).unwrap_or(0);
            let mut first = true;
            for (i, p) in parts.iter().enumerate() {
                match p {
                    Piece::Group(g) if english[i] => {
                        if !first {
                            // The separator the Chinese text put between the two parts.
                            let between = match &parts[i - 1] {
                                Piece::Text(t) => *t,
                                Piece::Group(_) => "",
                            };
                            out.push_str(separator(between));
                        }
                        out.push_str(g.trim());
                        first = false;
                    }
                    Piece::Text(t) if i > last && t.chars().any(is_cjk) => {
                        // Untranslated text after the last translation (typed by someone).
                        out.push_str(separator(t));
                        out.push_str(t.trim_start_matches([' ', '；', '：', ':', ';']).trim_end());
                    }
                    _ => {}
                }
            }
            if let Some(first) = out.get(..1) {
                let upper = first.to_uppercase();
                out.replace_range(..1, &upper);
            }
        }
    }
    out
}

/// The English separator for the Chinese text between two translated parts.
fn separator(between: &str) -> &'static str {
    let t = between.trim_start();
    if t.starts_with('；') || t.starts_with(';') {
        "; "
    } else if t.starts_with('：') || t.starts_with(':') {
        ": "
    } else if t.starts_with('，') || t.starts_with(',') {
        ", "
    } else {
        " "
    }
}

/// The words for one field name (the last part of a path, without its index): one list for the
/// error page and the claim form's "请修改" line.
fn leaf(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "kind" => ("申请类型", "Kind of claim"),
        "admitted" => ("入院日期", "Admitted"),
        "discharged" => ("出院日期", "Discharged"),
        "period_start" => ("治疗开始日期", "Period start"),
        "period_end" => ("治疗结束日期", "Period end"),
        "hospital_grade" => ("医院等级", "Hospital grade"),
        "designated_disease" => ("特定病种代码", "Designated disease code"),
        "diagnoses" => ("诊断", "diagnoses"),
        "disease" => ("疾病", "disease"),
        "date" => ("日期", "date"),
        "death_date" => ("死亡日期", "date of death"),
        "first" | "first_diagnosis" => ("首次确诊", "first diagnosis"),
        "invoices" => ("发票号码", "Invoice numbers"),
        "costs_fen" => ("费用", "costs"),
        "total" => ("费用总额", "total cost"),
        "self_borne" => ("自付金额", "amount paid by the member"),
        "self_pay" => ("自费金额", "out-of-pocket amount"),
        "insurance_paid" | "covered" => ("医保支付金额", "amount paid by medical insurance"),
        "member" => ("会员", "Member"),
        "id_number" => ("身份证号", "ID number"),
        "social_security_region" | "ss_region" => ("参保地", "social security region"),
        "name" => ("姓名", "name"),
        "phone" => ("手机号", "phone"),
        "bank_account" => ("银行账号", "bank account"),
        "policy" => ("保障年度政策", "policy"),
        "unit" => ("单位", "unit"),
        "org" | "under" => ("组织", "organisation"),
        "items" | "item" => ("保障项目", "benefit items"),
        "shares" => ("份数", "shares"),
        "amount" => ("金额", "amount"),
        "reason" => ("理由", "reason"),
        "file" => ("文件", "file"),
        "format" => ("文件格式", "file format"),
        "batch" => ("支付批次", "payout batch"),
        "failed" => ("失败明细", "failed lines"),
        "rule" => ("审核规则", "review rule"),
        "to" => ("接收单位", "receiving unit"),
        "username" => ("用户名", "username"),
        "password" => ("密码", "password"),
        "role" => ("角色", "role"),
        "event_date" => ("事件日期", "event date"),
        "documents" => ("材料", "documents"),
        "body" | "claim" | "claims" => ("申请内容", "the request"),
        _ => return None,
    })
}

/// A field path (`claim.diagnoses[1].disease`) in words (`第2条诊断 · 疾病`), or `None` when a
/// part of it has no words (the message then says what is wrong on its own).
pub fn field_label(lang: Lang, path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        // A leading `claim.` / `member.` only says which object; the rest names the field.
        if parts.is_empty() && matches!(name, "claim" | "claims") && path.contains('.') {
            continue;
        }
        let (zh, en) = leaf(name)?;
        parts.push(match (lang, index) {
            (Lang::Zh, Some(i)) => format!("第{}条{zh}", i + 1),
            (Lang::En, Some(i)) => format!("{en} #{}", i + 1),
            (Lang::Zh, None) => zh.to_string(),
            (Lang::En, None) => en.to_string(),
        });
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bilingual_message_shows_the_half_of_the_page_language() {
        let m = "出院日期2024-01-02早于入院日期2024-01-05 (discharged before admitted)";
        assert_eq!(
            message_in(Lang::Zh, m),
            "出院日期2024-01-02早于入院日期2024-01-05"
        );
        assert_eq!(message_in(Lang::En, m), "Discharged before admitted");
        // Parentheses inside either half stay where they are.
        let m = "单位（基层）不在范围内 (unit (grassroots) is out of scope)";
        assert_eq!(message_in(Lang::Zh, m), "单位（基层）不在范围内");
        assert_eq!(message_in(Lang::En, m), "Unit (grassroots) is out of scope");
        // Several parts, and a reason typed in Chinese only.
        let m = "已审核 → 已审批；核准 100.00 元 (Reviewed → Approved; 100.00 yuan approved)；理由 (reason)：原位癌诊断需核实";
        assert_eq!(
            message_in(Lang::En, m),
            "Reviewed → Approved; 100.00 yuan approved; reason: 原位癌诊断需核实"
        );
        assert_eq!(
            message_in(Lang::Zh, m),
            "已审核 → 已审批；核准 100.00 元；理由：原位癌诊断需核实"
        );
        let m = "已审批 → 已支付；累计已付 1.00 元 (Approved → Paid; 1.00 yuan paid in all)；批次 (batch)：支付批次 1 (batch 1)";
        assert_eq!(
            message_in(Lang::En, m),
            "Approved → Paid; 1.00 yuan paid in all; batch: batch 1"
        );
        // Not bilingual: as it is.
        assert_eq!(message_in(Lang::En, "未找到"), "未找到");
        assert_eq!(message_in(Lang::Zh, "bad (thing)"), "bad (thing)");
    }

    #[test]
    fn field_paths_read_as_words_in_both_languages() {
        assert_eq!(
            field_label(Lang::Zh, "claim.discharged").as_deref(),
            Some("出院日期")
        );
        assert_eq!(
            field_label(Lang::En, "claim.diagnoses[1].disease").as_deref(),
            Some("diagnoses #2 · disease")
        );
        assert_eq!(
            field_label(Lang::Zh, "claims[0].costs_fen.self_borne").as_deref(),
            Some("费用 · 自付金额")
        );
        assert_eq!(field_label(Lang::Zh, "shares").as_deref(), Some("份数"));
        assert_eq!(field_label(Lang::En, "no_such_field"), None);
    }
}
