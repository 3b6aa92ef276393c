import { parseWechatXml } from './wechat-xml';

describe('WeChat flat XML', () => {
  it('reads CDATA and plain fields of an unsubscribe event', () => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oABC-x_1]]></FromUserName>' +
      '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>';
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: 'gh_123',
      FromUserName: 'oABC-x_1',
      CreateTime: '1700000000',
      MsgType: 'event',
      Event: 'unsubscribe',
    });
  });

  it('decodes only the predefined entities in plain text', () => {
    expect(parseWechatXml('<xml><Content>a &lt;b&gt; &amp;c; &foo;</Content></xml>')).toEqual({
      Content: 'a <b> &c; &foo;',
    });
  });

  it('refuses documents with a DOCTYPE or entity declarations', () => {
    expect(parseWechatXml('<!DOCTYPE x [<!ENTITY e "boom">]><xml><Content>&e;</Content></xml>')).toBeNull();
    expect(parseWechatXml('<xml><!ENTITY e "boom"><Content>x</Content></xml>')).toBeNull();
  });

  it('refuses anything that is not a single <xml> document', () => {
    expect(parseWechatXml('{"Event":"unsubscribe"}')).toBeNull();
    expect(parseWechatXml('<xml><Event>unsubscribe</Event>')).toBeNull();
  });

  it('keeps the first of duplicated fields and skips nested ones', () => {
    const xml =
      '<xml><Event>unsubscribe</Event><Event>subscribe</Event><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>';
    expect(parseWechatXml(xml)).toEqual({ Event: 'unsubscribe', ScanType: 'qrcode' });
  });
});
