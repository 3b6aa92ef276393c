import { parseWechatXml } from './wechat-xml';
import { readWechatSendResults } from './wechat-send-results';

// The push as WeChat documents it (developers.weixin.qq.com, 订阅消息事件推送 §3).
const DOCUMENTED =
  '<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName>' +
  '<FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>' +
  '<CreateTime>1610969468</CreateTime><MsgType><![CDATA[event]]></MsgType>' +
  '<Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent><List>' +
  '<TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>' +
  '<MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode>' +
  '<ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent></xml>';

describe('WeChat subscribe_msg_sent_event entries', () => {
  it('reads the documented push, keeping the 64-bit MsgID digit for digit', () => {
    expect(parseWechatXml(DOCUMENTED)?.Event).toBe('subscribe_msg_sent_event');
    expect(readWechatSendResults(DOCUMENTED)).toEqual([
      {
        templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
        msgId: '1700827132819554304',
        errorCode: 0,
        errorStatus: 'success',
      },
    ]);
    expect(Number('1700827132819554304').toString()).not.toBe('1700827132819554304');
  });

  it('reads every List entry and skips one without a numeric MsgID', () => {
    const xml = DOCUMENTED.replace(
      '</List>',
      '</List><List><TemplateId>tmpl-2</TemplateId><MsgID>12</MsgID><ErrorCode>20001</ErrorCode>' +
        '<ErrorStatus><![CDATA[fail: system <b>error</b>]]></ErrorStatus></List>' +
        '<List><TemplateId>tmpl-3</TemplateId><MsgID>abc</MsgID><ErrorCode>0</ErrorCode></List>',
    );
    expect(
      readWechatSendResults(xml).map((r) => [r.templateId, r.msgId, r.errorCode, r.errorStatus]),
    ).toEqual([
      ['VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc', '1700827132819554304', 0, 'success'],
      ['tmpl-2', '12', 20001, 'fail: system berrorb'],
    ]);
  });
});
