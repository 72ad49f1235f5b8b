//! Error messages and field names in the reader's language. The use cases write every message
//! as `中文 (English)`, both at once, because the JSON API answers every caller the same way; a
//! console page shows the half in the page's language, and names the field at fault in words
//! (出院日期, "discharge date"), never as its code (`claim.discharged`).

use super::i18n::Lang;

/// The half of a bilingual message `中文 (English)` in `lang`: the last parenthesised group is
/// the English. A message without one is shown as it is.
pub fn message_in(lang: Lang, message: &str) -> String {
    let trimmed = message.trim_end();
    let Some(body) = trimmed.strip_suffix(')') else {
        return message.to_string();
    };
    // The '(' that opens the final group, counting nested parentheses from the end.
    let mut depth = 1usize;
    let mut open = None;
    for (i, ch) in body.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(open) = open else {
        return message.to_string();
    };
    let zh = body[..open].trim_end();
    let en = body[open + 1..].trim();
    // Only a Chinese sentence followed by an English one is split.
    let has_cjk = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if zh.is_empty()
        || en.is_empty()
        || !has_cjk
        || en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return message.to_string();
    }
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => {
            let mut s = en.to_string();
            if let Some(first) = s.get(..1) {
                s.replace_range(..1, &first.to_uppercase());
            }
            s
        }
    }
}

/// The words for one field name (the last part of a path, without its index).
fn leaf(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "kind" => ("申请类别", "claim type"),
        "admitted" => ("入院日期", "admission date"),
        "discharged" => ("出院日期", "discharge date"),
        "period_start" => ("就诊开始日期", "treatment start date"),
        "period_end" => ("就诊结束日期", "treatment end date"),
        "hospital_grade" => ("医院等级", "hospital grade"),
        "designated_disease" => ("指定病种", "designated disease"),
        "diagnoses" => ("诊断", "diagnoses"),
        "disease" => ("疾病", "disease"),
        "date" => ("日期", "date"),
        "death_date" => ("死亡日期", "date of death"),
        "first" | "first_diagnosis" => ("首次确诊", "first diagnosis"),
        "invoices" => ("发票", "invoices"),
        "costs_fen" => ("费用", "costs"),
        "total" => ("费用总额", "total cost"),
        "self_borne" => ("自付金额", "amount paid by the member"),
        "self_pay" => ("自费金额", "out-of-pocket amount"),
        "insurance_paid" | "covered" => ("医保支付金额", "amount paid by medical insurance"),
        "member" => ("会员", "member"),
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
