import { describe, expect, it } from 'vitest';
import {
  checkDeadline,
  checkDraftBody,
  checkDraftTitle,
  checkFeedbackText,
  detectAccusation,
  digestDue,
  excerpt,
  FEEDBACK_MAX_CHARS,
  formatTicket,
  isFeedbackTopic,
  parseDeadline,
  participation,
  shuffled,
  tidyText,
} from './feedback.js';

describe('detectAccusation: plain accusations of a named person are caught', () => {
  it.each([
    ['Đồng chí Nam tham nhũng tiền quỹ của chi bộ.', 'Đồng chí Nam', 'tham nhung'],
    ['Bí thư nhận hối lộ khi xét kết nạp đảng viên.', 'Bí thư', 'hoi lo'],
    ['Tôi đề nghị làm rõ: anh Hùng vi phạm quy định về tài chính', 'anh Hùng', 'vi pham'],
    ['Chị Lan ăn chặn tiền hỗ trợ của hội viên', 'Chị Lan', 'an chan'],
    ['Tôi tố cáo đồng chí Nguyễn Văn An.', 'đồng chí Nguyễn Văn An', 'to cao'],
    ['Tố cáo: Phó Bí thư đã làm giả hồ sơ', 'Phó Bí thư', 'lam gia'],
    ['Tôi xin tố cáo.\nĐồng chí Lâm là người đứng sau việc này.', 'Đồng chí Lâm', 'to cao'],
    ['Ông Trần Văn Bảy biển thủ công quỹ', 'Ông Trần Văn Bảy', 'bien thu'],
    ['Nguyễn Thị Mai lợi dụng chức vụ để trục lợi.', 'Nguyễn Thị Mai', 'loi dung chuc vu'],
    ['Có dấu hiệu tham nhũng của đồng chí Bình trong dự án.', 'đồng chí Bình', 'tham nhung'],
    ['đ/c Tuấn nhận phong bì của doanh nghiệp', 'đ/c Tuấn', 'phong bi'],
    ['Thủ quỹ gian lận sổ sách đảng phí', 'Thủ quỹ', 'gian lan'],
    ['Chi ủy viên Hòa bao che cho cấp dưới', 'Chi ủy viên Hòa', 'bao che'],
    // Typed without diacritics, as many people do on their phones.
    ['dong chi Nam nhan hoi lo', 'dong chi Nam', 'hoi lo'],
    ['Bi thu tham nhung', 'Bi thu', 'tham nhung'],
    ['Góp ý chung. Đồng chí Quang đã nhiều lần vi phạm kỷ luật phát ngôn!', 'Đồng chí Quang', 'vi pham'],
  ])('%s', (text, target, act) => {
    expect(detectAccusation(text)).toEqual({ target, act });
  });
});

describe('detectAccusation: ordinary feedback is not an accusation', () => {
  it.each([
    'Đề nghị chi ủy thông báo lịch họp sớm hơn.',
    'Chi bộ nên tổ chức sinh hoạt chuyên đề về chuyển đổi số.',
    'Đề nghị Bí thư nhắc nhở các đồng chí vi phạm giờ họp.',
    'Đồng chí Nam không hề vi phạm gì, đề nghị xem xét lại.',
    'Cần tăng cường phòng chống tham nhũng trong cơ quan.',
    'Bí thư nên dành thêm thời gian thảo luận.',
    'Anh Hùng làm việc rất tốt, đề nghị biểu dương.',
    'Việc thu đảng phí còn chậm; chi bộ vi phạm thời hạn nộp lên cấp trên.',
    'Tham nhũng là quốc nạn. Đồng chí Minh đã có bài nói chuyện hay về chủ đề này.',
    'Họp chi bộ ở Hà Nội tháng sau có được không?',
    'Đề nghị đồng chí Bí thư kiểm tra việc vi phạm quy chế của tổ 2.',
    '',
  ])('%j', (text) => {
    expect(detectAccusation(text)).toBeNull();
  });
});

describe('checkFeedbackText', () => {
  it('keeps the text, tidied', () => {
    expect(checkFeedbackText('  Đề nghị họp sớm hơn.  \r\n\r\n\r\n\r\nCảm ơn.  ')).toEqual({ ok: true, value: 'Đề nghị họp sớm hơn.\n\nCảm ơn.' });
  });

  it('refuses an empty or near-empty text', () => {
    for (const t of ['', '   ', 'ok', '\n\n', 'a b c']) expect(checkFeedbackText(t)).toEqual({ ok: false, code: 'FEEDBACK.EMPTY' });
  });

  it('takes exactly 3,000 characters (counted as people see them) and refuses one more', () => {
    const max = 'ệ'.repeat(FEEDBACK_MAX_CHARS);
    expect(checkFeedbackText(max).ok).toBe(true);
    expect(checkFeedbackText(`${max}a`)).toEqual({ ok: false, code: 'FEEDBACK.TOO_LONG' });
  });

  it('tidyText collapses blank lines and trailing spaces only', () => {
    expect(tidyText('a  \nb\n\n\n\nc')).toBe('a\nb\n\nc');
  });
});

describe('drafts', () => {
  it('checks titles', () => {
    expect(checkDraftTitle('  Dự thảo   Nghị quyết  ')).toEqual({ ok: true, value: 'Dự thảo Nghị quyết' });
    expect(checkDraftTitle('ab')).toEqual({ ok: false, code: 'FEEDBACK.TITLE_INVALID' });
    expect(checkDraftTitle('x'.repeat(201))).toEqual({ ok: false, code: 'FEEDBACK.TITLE_INVALID' });
  });

  it('takes one link as a link, and anything else as text', () => {
    expect(checkDraftBody(' https://drive.example.vn/du-thao?id=1 ')).toEqual({ ok: true, value: { kind: 'link', url: 'https://drive.example.vn/du-thao?id=1' } });
    expect(checkDraftBody('Xem https://a.vn và góp ý')).toEqual({ ok: true, value: { kind: 'text', text: 'Xem https://a.vn và góp ý' } });
    expect(checkDraftBody('ftp://files.vn/x')).toEqual({ ok: true, value: { kind: 'text', text: 'ftp://files.vn/x' } });
    expect(checkDraftBody('')).toEqual({ ok: false, code: 'FEEDBACK.EMPTY' });
    expect(checkDraftBody('x'.repeat(3001))).toEqual({ ok: false, code: 'FEEDBACK.TOO_LONG' });
  });

  it.each([
    ['30/11', { date: '2026-11-30', time: null }],
    ['30/11/2026', { date: '2026-11-30', time: null }],
    ['30/11/2026 17:00', { date: '2026-11-30', time: '17:00' }],
    ['30/11 17h', { date: '2026-11-30', time: '17:00' }],
    ['30/11 lúc 9h30', { date: '2026-11-30', time: '09:30' }],
    ['1-12-26, 8', { date: '2026-12-01', time: '08:00' }],
  ])('parses the deadline %j', (typed, want) => {
    expect(parseDeadline(typed, '2026-11-24')).toEqual(want);
  });

  it.each(['', 'mai', '31/11', '30/11 25:00', '30/11 17:75', '30/11 abc'])('refuses the deadline %j', (typed) => {
    expect(parseDeadline(typed, '2026-11-24')).toBeNull();
  });

  it('wants a deadline in the future and within 90 days', () => {
    const now = Date.UTC(2026, 10, 24);
    expect(checkDeadline(now + 1, now)).toBe(true);
    expect(checkDeadline(now, now)).toBe(false);
    expect(checkDeadline(now + 90 * 86_400_000, now)).toBe(true);
    expect(checkDeadline(now + 90 * 86_400_000 + 1, now)).toBe(false);
  });
});

describe('shuffled', () => {
  it('is a permutation, driven by the given randomness', () => {
    const items = [1, 2, 3, 4, 5];
    const out = shuffled(items, () => 0);
    expect(out).toEqual([2, 3, 4, 5, 1]);
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect([...shuffled(items, (n) => n - 1)].sort()).toEqual(items);
  });

  it('reaches every order with fair randomness', () => {
    const seen = new Set<string>();
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) seen.add(shuffled([1, 2, 3], rand).join(''));
    expect(seen.size).toBe(6);
  });

  it('handles empty and single lists', () => {
    expect(shuffled([], () => 0)).toEqual([]);
    expect(shuffled(['a'], () => 0)).toEqual(['a']);
  });
});

describe('small helpers', () => {
  it('digestDue from the digest hour on', () => {
    expect(digestDue(17, 18)).toBe(false);
    expect(digestDue(18, 18)).toBe(true);
    expect(digestDue(23, 18)).toBe(true);
    expect(digestDue(0, 0)).toBe(true);
  });

  it('formats tickets and excerpts', () => {
    expect(formatTicket('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
    expect(excerpt('ngắn', 10)).toBe('ngắn');
    expect(excerpt('một hai ba bốn', 8)).toBe('một hai…');
  });

  it('knows its topics', () => {
    expect(['committee', 'draft', 'concern'].every(isFeedbackTopic)).toBe(true);
    expect(isFeedbackTopic('accusation')).toBe(false);
    expect(isFeedbackTopic(3)).toBe(false);
  });
});

describe('participation', () => {
  it('names open commenters once each, and counts anonymous ones only', () => {
    const out = participation(
      [
        { id: 1, title: 'A' },
        { id: 2, title: 'B' },
      ],
      [
        { draftId: 1, memberId: 7 },
        { draftId: 1, memberId: 3 },
        { draftId: 1, memberId: 7 },
        { draftId: null, memberId: 9 },
      ],
      [{ draftId: 1 }, { draftId: 2 }, { draftId: 2 }, { draftId: null }],
    );
    expect(out).toEqual([
      { draftId: 1, title: 'A', openMemberIds: [3, 7], anonymousCount: 1 },
      { draftId: 2, title: 'B', openMemberIds: [], anonymousCount: 2 },
    ]);
  });
});
