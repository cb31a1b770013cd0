/* Hash path → page module (js/pages/<name>.js). A new page is a file here and a line below. */
export const routes = [
  ['/', 'home'],
  ['/login', 'login'],
  ['/register', 'register'],
  ['/forgot', 'forgot'],
  ['/market', 'market'],
  ['/products/:id', 'product'],
  ['/bills', 'billfin'],
  ['/institutions', 'institutions'],
  ['/policies', 'policies'],
  ['/news', 'news'],
  ['/articles/:id', 'article'],
  ['/about', 'about'],
  ['/me/profile', 'me-profile'],
  ['/me/verification', 'me-verification'],
  ['/me/certification', 'me-certification'],
  ['/me/enterprise', 'me-enterprise'],
  ['/me/accounts', 'me-accounts'],
  ['/me/demands', 'me-demands'],
  ['/me/demands/:id', 'me-demand'],
  ['/me/bills/inquiry', 'bill-inquiry'],
  ['/me/bills/orders', 'bill-orders'],
  ['/me/bills/orders/:id', 'bill-order'],
  ['/me/cert-applications', 'cert-applications'],
  ['/me/cert-applications/new', 'cert-application-new'],
  ['/me/cert-applications/:side/:id', 'cert-application'],
  ['/me/certificates', 'certificates'],
  ['/me/certificates/bind', 'cert-binding'],
  ['/me/certificates/:side/:serial', 'certificate'],
  ['/me/cert-orders', 'cert-orders'],
  ['/me/cert-orders/new', 'cert-order-new'],
  ['/me/cert-orders/:side/:id', 'cert-order'],
  ['/me/seals', 'seals'],
  ['/me/security', 'me-security'],
  ['/me/messages', 'me-messages'],
  ['/op/certifications', 'op-certifications'],
  ['/op/certifications/:id', 'op-certification'],
  ['/op/institutions', 'op-institutions'],
  ['/op/institutions/:id', 'op-institution'],
  ['/op/articles', 'op-articles'],
  ['/op/articles/new', 'op-article'],
  ['/op/articles/:id', 'op-article'],
  ['/op/site', 'op-site'],
  ['/inst/demands', 'inst-demands'],
  ['/inst/demands/:id', 'inst-demand'],
  ['/inst/products', 'inst-products'],
  ['/inst/staff', 'inst-staff'],
  ['/inst/disbursements', 'inst-disbursements'],
  ['/inst/bills', 'inst-bills'],
  ['/inst/bills/:id', 'inst-bill'],
  ['/op/bills', 'op-bills'],
  ['/op/bills/:id', 'op-bill'],
  ['/op/holidays', 'op-holidays'],
  ['/op/cert-applications', 'cert-op-applications'],
  ['/op/cert-applications/:id', 'cert-op-application'],
  ['/me/payments/:id/transfer', 'pay-transfer'],
  ['/me/payments/:id/pay', 'pay'],
  ['/op/payments', 'op-payments'],
  ['/op/payments/:id', 'op-payments-intent'],
  ['/op/payments-ledger', 'op-payments-ledger'],
  ['/op/payments-recon', 'op-payments-recon'],
  ['/me/payments/:id/invoices', 'invoices'],
  ['/op/invoices', 'op-invoices'],
  ['/me/contracts', 'contracts'],
  ['/me/contracts/new', 'contract-new'],
  ['/me/contracts/:id', 'contract'],
  ['/me/contracts/:id/sign', 'contract-sign'],
  ['/me/verify', 'verify'],
];

/* The left menus of 个人中心 and the two consoles. A fourth element names who sees the
 * entry: a staff role ('bill_quoter', '*' every staff member; none: every role but
 * bill_quoter, whose work is the bill queue alone) or operator roles (a list; admin has
 * them all). */
export const menus = {
  me: [
    ['个人资料', '/me/profile'],
    ['实名认证', '/me/verification'],
    ['企业认证', '/me/certification'],
    ['我的企业 / 成员', '/me/enterprise'],
    ['收款账户', '/me/accounts'],
    ['融资需求管理', '/me/demands'],
    ['商票融资 · 我要询价', '/me/bills/inquiry'],
    ['商票融资 · 融资订单', '/me/bills/orders'],
    ['数字证书申请', '/me/cert-applications'],
    ['证书管理', '/me/certificates'],
    ['订单管理', '/me/cert-orders'],
    ['印章管理', '/me/seals'],
    ['合同', '/me/contracts'],
    ['验签', '/me/verify'],
    ['账号管理', '/me/security'],
    ['我的消息', '/me/messages', 'unread'],
  ],
  op: [
    ['企业认证审核', '/op/certifications', null, ['reviewer']],
    ['金融机构', '/op/institutions', null, ['market_admin']],
    ['商票融资订单', '/op/bills', null, ['quoter', 'reviewer', 'finance', 'admin']],
    ['节假日年度', '/op/holidays', null, ['quoter', 'reviewer', 'finance', 'admin']],
    ['数字证书申请', '/op/cert-applications', null, ['ca_officer']],
    ['内容管理', '/op/articles', null, ['content_editor']],
    ['站点设置', '/op/site', null, ['content_editor']],
    ['支付单 · 对公转账', '/op/payments', null, ['finance']],
    ['总账', '/op/payments-ledger', null, ['finance']],
    ['对账差异', '/op/payments-recon', null, ['finance']],
    ['电子发票', '/op/invoices', null, ['finance']],
  ],
  inst: [
    ['融资需求', '/inst/demands'],
    ['放款记录', '/inst/disbursements'],
    ['贷款产品', '/inst/products'],
    ['机构人员', '/inst/staff', null, '*'],
    ['商票询价', '/inst/bills', null, 'bill_quoter'],
  ],
};

export function menuFor(which, staffRole, operatorRoles) {
  return menus[which].filter(([, , , who]) => {
    if (Array.isArray(who)) return operatorRoles.includes('admin') || who.some(r => operatorRoles.includes(r));
    if (which !== 'inst') return true;
    if (who === '*') return true;
    return who ? who === staffRole : staffRole !== 'bill_quoter';
  });
}

export function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, page] of routes) {
    const want = pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(parts[i]);
      else ok = want[i] === parts[i];
    }
    if (ok) return { page, params };
  }
  return null;
}
