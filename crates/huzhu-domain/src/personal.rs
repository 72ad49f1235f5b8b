//! Personal data other than ID numbers: names, phones, bank accounts, and the one masking rule
//! used for every list, export and log line (SPEC section 3: masked by default).

use serde::Serialize;
use std::fmt;

/// Keeps `head` leading and `tail` trailing characters and stars the rest. Short values keep at
/// most one character at each end so that something is always hidden.
pub fn mask_middle(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let (h, t) = if n > head + tail {
        (head, tail)
    } else if n > 2 {
        (1, 1)
    } else {
        (0, 0)
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < h || i >= n - t { *c } else { '*' })
        .collect()
}

/// Text with every ID-number-like run (15 to 18 digits, the last may be `X`) masked as
/// [`mask_middle`] masks an ID number: stored reasons and log lines name a grant's key
/// (`2026:330106198503150024`), which must not show a whole ID number.
pub fn mask_id_numbers_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], 'X' | 'x') && i > start && i - start == 17))
        {
            i += 1;
        }
        if i == start {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run: String = chars[start..i].iter().collect();
        if (15..=18).contains(&run.len()) {
            out.push_str(&mask_middle(&run, 4, 4));
        } else {
            out.push_str(&run);
        }
    }
    out
}

#[cfg(test)]
mod mask_in_text_tests {
    use super::mask_id_numbers_in;

    #[test]
    fn id_numbers_in_text_are_masked_and_other_numbers_kept() {
        assert_eq!(
            mask_id_numbers_in("grant 12 (LA，2026:33010619850315002X:1) 5,000.00"),
            "grant 12 (LA，2026:3301**********002X:1) 5,000.00"
        );
        assert_eq!(
            mask_id_numbers_in("2026:330106198503150024"),
            "2026:3301**********0024"
        );
        assert_eq!(mask_id_numbers_in("批次 123456 金额"), "批次 123456 金额");
    }
}

/// Why a personal field is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonalError {
    #[error("姓名为空 (name is empty)")]
    EmptyName,
    #[error("姓名过长（{len}个字符） (name too long: {len} characters)")]
    NameTooLong { len: usize },
    #[error("姓名含无效字符“{found}” (name contains '{found}')")]
    NameCharacter { found: char },
    #[error("手机号“{value}”格式不正确，应为11位手机号或带区号的固定电话 (phone '{value}' is neither an 11-digit mobile nor a landline with area code)")]
    Phone { value: String },
    #[error("银行账号应为12至30位数字 (bank account must have 12 to 30 digits)")]
    BankAccount,
    #[error("开户行应为2至60个字符，不含换行等控制字符 (bank branch must be 2 to 60 characters, without control characters)")]
    BankBranch,
}

/// A person's name as written on the ID: Chinese, with the middle dot of minority and foreign
/// names, or Latin letters and spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PersonName(String);

/// A Chinese character (the CJK unified ideographs, their extensions and compatibility forms).
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<PersonName, PersonalError> {
        let collapsed: Vec<char> = raw
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .collect();
        // Rosters pad two-character names to line up with three (`刘　娜`): a space beside a
        // Chinese character is padding, not part of the name; between Latin words it stays.
        let unpadded = collapsed.iter().enumerate().filter_map(|(i, c)| {
            let padding = *c == ' '
                && (i
                    .checked_sub(1)
                    .and_then(|j| collapsed.get(j))
                    .is_some_and(|p| is_han(*p))
                    || collapsed.get(i + 1).is_some_and(|n| is_han(*n)));
            (!padding).then_some(*c)
        });
        let name: String = unpadded
            .map(|c| match c {
                '•' | '・' | '．' | '.' => '·',
                _ => c,
            })
            .collect();
        if name.is_empty() {
            return Err(PersonalError::EmptyName);
        }
        let len = name.chars().count();
        if len > 50 {
            return Err(PersonalError::NameTooLong { len });
        }
        if let Some(found) = name
            .chars()
            .find(|c| !(c.is_alphabetic() || *c == '·' || *c == ' ' || *c == '\''))
        {
            return Err(PersonalError::NameCharacter { found });
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 张*丰: the first character and, for names of three or more, the last.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        match chars.len() {
            0 | 1 => self.0.clone(),
            2 => format!("{}*", chars[0]),
            n => mask_middle(&self.0, 1, 1).chars().take(n).collect(),
        }
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A mobile number (11 digits from 13x–19x) or a landline with its area code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, PersonalError> {
        let mut digits: String = crate::id_number::normalise(raw)
            .chars()
            .filter(|c| *c != '(' && *c != ')' && *c != '（' && *c != '）')
            .collect();
        if let Some(rest) = digits.strip_prefix("+86") {
            digits = rest.to_string();
        } else if digits.len() == 13 && digits.starts_with("86") {
            digits = digits[2..].to_string();
        }
        let all_digits = digits.chars().all(|c| c.is_ascii_digit());
        let mobile = digits.len() == 11
            && digits.starts_with('1')
            && matches!(digits.as_bytes().get(1), Some(b'3'..=b'9'));
        let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
        if all_digits && (mobile || landline) {
            Ok(Phone(digits))
        } else {
            Err(PersonalError::Phone {
                value: raw.trim().to_string(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 3, 4)
    }
}

/// A bank account or card number for payouts: digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BankAccount(String);

impl BankAccount {
    pub fn parse(raw: &str) -> Result<BankAccount, PersonalError> {
        let v = crate::id_number::normalise(raw);
        if (12..=30).contains(&v.len()) && v.chars().all(|c| c.is_ascii_digit()) {
            Ok(BankAccount(v))
        } else {
            Err(PersonalError::BankAccount)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `6222***********1234`
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 4, 4)
    }
}

/// 开户行 — the bank branch where a member's account is held (`中国工商银行杭州临安支行`), as a
/// bank file names it beside the account. Not personal data by itself (it names a branch, not a
/// person), so shown whole; spaces are collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BankBranch(String);

impl BankBranch {
    pub fn parse(raw: &str) -> Result<BankBranch, PersonalError> {
        let v = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let len = v.chars().count();
        if (2..=60).contains(&len) && !v.chars().any(char::is_control) {
            Ok(BankBranch(v))
        } else {
            Err(PersonalError::BankBranch)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bank_branch_is_two_to_sixty_characters_with_spaces_collapsed() {
        assert_eq!(
            BankBranch::parse("  中国工商银行   杭州临安支行 ")
                .unwrap()
                .as_str(),
            "中国工商银行 杭州临安支行"
        );
        assert_eq!(BankBranch::parse("行"), Err(PersonalError::BankBranch));
        assert_eq!(
            BankBranch::parse(&"行".repeat(61)),
            Err(PersonalError::BankBranch)
        );
        assert!(BankBranch::parse(&"行".repeat(60)).is_ok());
    }

    #[test]
    fn masks_keep_both_ends_only() {
        assert_eq!(
            mask_middle("330106198503150024", 4, 4),
            "3301**********0024"
        );
        assert_eq!(
            Phone::parse("+86 138-0013-8000").unwrap().masked(),
            "138****8000"
        );
        assert_eq!(
            BankAccount::parse("6222 0212 3456 7890 123")
                .unwrap()
                .masked(),
            "6222***********0123"
        );
        assert_eq!(PersonName::parse("张三丰").unwrap().masked(), "张*丰");
        assert_eq!(PersonName::parse("李四").unwrap().masked(), "李*");
    }

    #[test]
    fn names_reject_digits_and_accept_minority_dots() {
        assert!(PersonName::parse("买买提•艾力").is_ok());
        assert_eq!(
            PersonName::parse("买买提•艾力").unwrap().as_str(),
            "买买提·艾力"
        );
        assert_eq!(
            PersonName::parse("张3"),
            Err(PersonalError::NameCharacter { found: '3' })
        );
        assert_eq!(PersonName::parse("  "), Err(PersonalError::EmptyName));
    }

    #[test]
    fn padding_inside_a_chinese_name_is_dropped_and_latin_names_keep_their_spaces() {
        for padded in ["刘　娜", "刘 娜", " 刘\u{a0}\u{a0}娜 ", "刘娜"] {
            assert_eq!(
                PersonName::parse(padded).unwrap().as_str(),
                "刘娜",
                "{padded:?}"
            );
        }
        assert_eq!(
            PersonName::parse("欧阳　 小明").unwrap().as_str(),
            "欧阳小明"
        );
        assert_eq!(
            PersonName::parse("John  Smith").unwrap().as_str(),
            "John Smith"
        );
        assert_eq!(
            PersonName::parse("买买提 · 艾力").unwrap().as_str(),
            "买买提·艾力"
        );
    }

    #[test]
    fn phones_accept_mobiles_and_landlines() {
        assert!(Phone::parse("13800138000").is_ok());
        assert!(Phone::parse("0571-87160990").is_ok());
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("12800138000").is_err());
    }
}
