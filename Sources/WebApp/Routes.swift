import Hummingbird

extension WebApp {
    /// Every route of the app: method, path, the right it needs, where a client's resource is named, the handler.
    /// The router is built from this table only; the permission matrix test walks it.
    static let table: [Route] = [
        // Open and signed-in pages.
        Route(method: .get, path: "/static/style.css", guardedBy: .open, scope: .none, handler: { _ in stylesheet() }),
        Route(method: .get, path: "/connexion", guardedBy: .open, scope: .none, handler: { try $0.app.loginPage($0) }),
        Route(method: .post, path: "/connexion", guardedBy: .open, scope: .none, handler: { try $0.app.login($0) }),
        Route(
            method: .post, path: "/deconnexion", guardedBy: .signedIn, scope: .none, handler: { try $0.app.logout($0) }),
        Route(method: .get, path: "/", guardedBy: .signedIn, scope: .none, handler: { try $0.app.home($0) }),

        Route(
            method: .get, path: "/tableau-de-bord", guardedBy: .feature(.dashboard, .read), scope: .none,
            handler: { try $0.app.dashboard($0) }),

        Route(
            method: .get, path: "/proformas", guardedBy: .feature(.proformas, .read), scope: .none,
            handler: { try $0.app.proformaList($0) }),
        Route(
            method: .get, path: "/proformas/:id", guardedBy: .feature(.proformas, .read), scope: .documentInPath,
            handler: { try $0.app.proformaPage($0) }),
        Route(
            method: .post, path: "/proformas/:id/lignes", guardedBy: .feature(.proformas, .write),
            scope: .documentInPath,
            handler: { try $0.app.editLine($0) }),
        Route(
            method: .post, path: "/proformas/:id/ecarter", guardedBy: .feature(.proformas, .write),
            scope: .documentInPath,
            handler: { try $0.app.discard($0) }),
        Route(
            method: .post, path: "/proformas/valider", guardedBy: .feature(.proformas, .write), scope: .documentsInForm,
            handler: { try $0.app.validateSelection($0) }),

        Route(
            method: .get, path: "/factures", guardedBy: .feature(.invoices, .read), scope: .none,
            handler: { try $0.app.invoiceList($0) }),
        Route(
            method: .get, path: "/factures/:id", guardedBy: .feature(.invoices, .read), scope: .documentInPath,
            handler: { try $0.app.invoicePage($0) }),
        Route(
            method: .get, path: "/factures/:id/pdf", guardedBy: .feature(.invoices, .read), scope: .documentInPath,
            handler: { try $0.app.download($0, xml: false) }),
        Route(
            method: .get, path: "/factures/:id/xml", guardedBy: .feature(.invoices, .read), scope: .documentInPath,
            handler: { try $0.app.download($0, xml: true) }),
        Route(
            method: .post, path: "/factures/:id/avoir", guardedBy: .feature(.invoices, .write), scope: .documentInPath,
            handler: { try $0.app.credit($0) }),

        // The bank's credits: the company's account, not a client's.
        Route(
            method: .get, path: "/paiements", guardedBy: .feature(.invoices, .read), scope: .wholeCompany,
            handler: { try $0.app.paymentsPage($0) }),

        Route(
            method: .get, path: "/factures-manuelles", guardedBy: .feature(.manual, .read), scope: .none,
            handler: { try $0.app.manualPage($0) }),
        Route(
            method: .post, path: "/factures-manuelles", guardedBy: .feature(.manual, .write), scope: .clientInForm,
            handler: { try $0.app.createManual($0) }),

        Route(
            method: .get, path: "/non-factures", guardedBy: .feature(.unbilled, .read), scope: .none,
            handler: { try $0.app.unbilled($0) }),
        Route(
            method: .get, path: "/imports", guardedBy: .feature(.imports, .read), scope: .none,
            handler: { try $0.app.imports($0) }),
        Route(
            method: .get, path: "/clients", guardedBy: .feature(.clients, .read), scope: .none,
            handler: { try $0.app.clientList($0) }),
        Route(
            method: .get, path: "/clients/:code", guardedBy: .feature(.clients, .read), scope: .clientInPath,
            handler: { try $0.app.clientPage($0) }),
        Route(
            method: .get, path: "/audit", guardedBy: .feature(.audit, .read), scope: .none,
            handler: { try $0.app.auditPage($0) }),
        Route(
            method: .get, path: "/cloture", guardedBy: .feature(.closing, .read), scope: .wholeCompany,
            handler: { try $0.app.closingPage($0) }),
        Route(
            method: .post, path: "/cloture", guardedBy: .feature(.closing, .write), scope: .wholeCompany,
            handler: { try $0.app.closeMonth($0) }),
        Route(
            method: .post, path: "/cloture/actions", guardedBy: .feature(.closing, .write), scope: .wholeCompany,
            handler: { try $0.app.closingAction($0) }),
        Route(
            method: .get, path: "/exports", guardedBy: .feature(.exports, .read), scope: .none,
            handler: { try $0.app.exportsPage($0) }),
        // The workbooks, cut by the user's client scope inside the handler; the entries are the whole company's books.
        Route(
            method: .get, path: "/exports/:kind", guardedBy: .feature(.exports, .read), scope: .none,
            handler: { try $0.app.exportFile($0) }),
        Route(
            method: .get, path: "/exports/fec", guardedBy: .feature(.exports, .read), scope: .wholeCompany,
            handler: { try $0.app.exportFile($0, .fec) }),
        Route(
            method: .get, path: "/exports/ecritures", guardedBy: .feature(.exports, .read), scope: .wholeCompany,
            handler: { try $0.app.exportFile($0, .ecritures) }),

        Route(
            method: .get, path: "/utilisateurs", guardedBy: .feature(.users, .read), scope: .none,
            handler: { try $0.app.usersPage($0) }),
        Route(
            method: .post, path: "/utilisateurs", guardedBy: .feature(.users, .write), scope: .none,
            handler: { try $0.app.createUser($0) }),
        Route(
            method: .post, path: "/utilisateurs/:login/droits", guardedBy: .feature(.users, .write), scope: .none,
            handler: { try $0.app.setRights($0) }),
        Route(
            method: .post, path: "/utilisateurs/:login/activation", guardedBy: .feature(.users, .write), scope: .none,
            handler: { try $0.app.setActivation($0) }),

        // The JSON API (bearer token).
        Route(
            method: .get, path: "/api/v1/documents", guardedBy: .feature(.invoices, .read), scope: .none,
            handler: { try $0.app.apiDocuments($0) }),
        Route(
            method: .get, path: "/api/v1/documents/:id", guardedBy: .feature(.invoices, .read), scope: .documentInPath,
            handler: { try $0.app.apiDocument($0) }),
        Route(
            method: .get, path: "/api/v1/documents/:id/pdf", guardedBy: .feature(.invoices, .read),
            scope: .documentInPath,
            handler: { try $0.app.download($0, xml: false) }),
        Route(
            method: .get, path: "/api/v1/documents/:id/xml", guardedBy: .feature(.invoices, .read),
            scope: .documentInPath,
            handler: { try $0.app.download($0, xml: true) }),
        Route(
            method: .post, path: "/api/v1/proformas/:id/validate", guardedBy: .feature(.proformas, .write),
            scope: .documentInPath,
            handler: { try $0.app.apiValidate($0) }),
        Route(
            method: .get, path: "/api/v1/revenue", guardedBy: .feature(.dashboard, .read), scope: .none,
            handler: { try $0.app.apiRevenue($0) })
    ]

    static func stylesheet() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: Templates.css)))
    }
}
