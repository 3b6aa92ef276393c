import { defaultNotice, missingNoticeElements, NOTICE_ELEMENTS, type NoticeContent } from './notice';

const complete = (): NoticeContent => ({
  ...defaultNotice('悦肤', 'privacy@yuefu.example'),
  purposes: [
    { id: 'marketing_messages', description: '营销信息' },
    { id: 'personalisation', description: '个性化推荐' },
  ],
  profiling: '根据购买记录形成偏好标签，用于推荐商品；不影响价格',
});

describe('notice elements (R5)', () => {
  it('finds nothing missing in a complete notice', () => {
    expect(missingNoticeElements(complete())).toEqual([]);
  });

  const blanks: Record<(typeof NOTICE_ELEMENTS)[number], Partial<NoticeContent>> = {
    brandName: { brandName: ' ' },
    brandContact: { brandContact: '' },
    purposes: { purposes: [] },
    channels: { channels: [] },
    processingMethods: { processingMethods: '' },
    dataCategories: { dataCategories: [''] },
    retention: { retention: '  ' },
    rights: { rights: '' },
    profiling: { profiling: '' },
  };

  it.each(NOTICE_ELEMENTS)('names %s when a notice lacks it', (element) => {
    expect(missingNoticeElements({ ...complete(), ...blanks[element] })).toEqual([element]);
  });

  it('does not ask for a profiling statement when no purpose profiles', () => {
    const { profiling: _none, ...rest } = defaultNotice('悦肤', 'privacy@yuefu.example');
    expect(missingNoticeElements(rest)).toEqual([]);
  });
});
