/**
 * What the platform gets back (HTTP 200), modelled on Tmall 会员通 SPI answers: `code` SUC on
 * success; for a query, SUC when bound and E02 (会员未绑定) when not.
 */
export interface MembershipAnswer {
  success: true;
  code: 'SUC' | 'E02';
  msg: string;
  request_id: string;
  bound: boolean;
}

/**
 * R2: a member under 14 joined on the platform, but no marketing consent is recorded without a
 * guardian's (Siyu has no guardian flow): the brand's membership is not bound, and the platform is told why.
 */
export function under14Answer(requestId: string): MembershipAnswer {
  return {
    success: true,
    code: 'E02',
    msg: '会员未满14周岁，需监护人同意，未绑定',
    request_id: requestId,
    bound: false,
  };
}

export function answer(requestId: string, bound: boolean): MembershipAnswer {
  return bound
    ? { success: true, code: 'SUC', msg: '成功', request_id: requestId, bound }
    : { success: true, code: 'E02', msg: '会员未绑定', request_id: requestId, bound };
}
