/// The HTML templates (mustache) and the style sheet, as constants: the
/// module ships no resource folder. French for the users; no script at all.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "error": error, "table": table, "document": document,
        "manual": manual, "users": users, "client": client, "message": message, "dashboard": dashboard, "home": home,
        "closing": WebApp.closingTemplate
    ]

    /// Revenue by activity: filters, totals, invoiced or not, and the charts (SVG drawn on the server).
    static let dashboard = """
        <h1>Tableau de bord</h1>
        <form method="get" id="filtres" class="filters">
        <label>Période <input name="periode" id="filtre-periode" value="{{period}}" placeholder="2026-10"></label>
        <label>Site <select name="site" id="filtre-site"><option value="">tous</option>{{#sites}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{code}}</option>{{/sites}}</select></label>
        <label>Client <select name="client" id="filtre-client"><option value="">tous</option>{{#clients}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/clients}}</select></label>
        <button type="submit" id="filtrer">Filtrer</button></form>
        <p class="summary" id="totaux">{{summary}}</p>
        <table id="activites"><thead><tr><th>Activité</th><th>Chiffre d'affaires</th><th>Couverts</th><th>Facturé</th><th>Pas encore facturé</th><th>Ventes sans client</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{name}}</td><td class="num">{{amount}}</td><td class="num">{{covers}}</td><td class="num">{{invoiced}}</td><td class="num">{{notInvoiced}}</td><td class="num">{{anonymous}}</td></tr>{{/rows}}</tbody></table>
        <p class="note">Restauration en TTC (caisses), événements en HT aux prix de commande ; la facturation ajoute ensuite les subventions, droits et frais des contrats.</p>
        <section class="chart" id="graphique-jour">{{{daily}}}</section>
        <section class="chart" id="graphique-semaine">{{{weekly}}}</section>
        <section class="chart" id="graphique-cumul">{{{cumulative}}}</section>
        """

    static let layout = """
        <!DOCTYPE html>
        <html lang="fr">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} — Ardoise</title><link rel="stylesheet" href="/static/style.css"></head>
        <body>
        <header><a class="brand" href="/">Ardoise</a>
        {{#user}}<nav id="menu">{{#menu}}<a href="{{href}}" id="menu-{{feature}}"{{#current}} class="current"{{/current}}>{{label}}</a>{{/menu}}</nav>
        <form method="post" action="/deconnexion" id="form-deconnexion" class="logout"><input type="hidden" name="csrf" value="{{csrf}}">
        <span class="who">{{name}}</span> <button type="submit" id="deconnexion">Se déconnecter</button></form>{{/user}}
        </header>
        <main>{{#notice}}<p class="notice" id="message">{{notice}}</p>{{/notice}}
        {{{content}}}
        </main>
        </body></html>
        """

    static let login = """
        <h1>Connexion</h1>
        {{#failed}}<p class="error" id="erreur-connexion">{{failed}}</p>{{/failed}}
        <form method="post" action="/connexion" id="form-connexion" class="card">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="login">Identifiant</label><input id="login" name="login" autocomplete="username" required>
        <label for="password">Mot de passe</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit" id="se-connecter">Se connecter</button>
        </form>
        """

    static let error = """
        <h1>{{heading}}</h1>
        <p id="erreur">{{detail}}</p>
        <p><a href="/">Retour à l'accueil</a></p>
        """

    /// Accueil: the day's work, each item a link, then the screens.
    static let home = """
        <h1>{{heading}}</h1>
        {{#hasItems}}<h2>À faire</h2><ul id="a-faire" class="work">
        {{#items}}<li id="{{id}}"{{#done}} class="fait"{{/done}}><a href="{{href}}">{{text}}</a></li>
        {{/items}}</ul>{{/hasItems}}
        {{#noRight}}<p>Aucun droit ne vous est encore accordé : demandez-le à un administrateur.</p>{{/noRight}}
        {{^noRight}}<h2>Écrans</h2>{{/noRight}}
        {{#links}}<p><a href="{{href}}">{{label}}</a></p>{{/links}}
        """

    static let message = """
        <h1>{{heading}}</h1>
        {{#paragraphs}}<p>{{.}}</p>{{/paragraphs}}
        {{#links}}<p><a href="{{href}}">{{label}}</a></p>{{/links}}
        """

    /// A list: optional filters, optional selection form, totals.
    static let table = """
        <h1>{{heading}}</h1>
        {{#hasFilters}}<form method="get" id="filtres" class="filters">{{/hasFilters}}
        {{#filters}}<label>{{label}} {{#hasChoices}}<select name="{{name}}" id="filtre-{{name}}">{{#choices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/choices}}</select>{{/hasChoices}}{{^hasChoices}}<input name="{{name}}" id="filtre-{{name}}" value="{{value}}" placeholder="{{hint}}">{{/hasChoices}}</label>
        {{/filters}}
        {{#hasFilters}}<button type="submit" id="filtrer">Filtrer</button></form>{{/hasFilters}}
        {{#summary}}<p class="summary" id="totaux">{{summary}}</p>{{/summary}}
        {{#pager}}<p class="pager" id="pages">{{#previous}}<a href="{{previous}}" id="page-precedente">← précédents</a> {{/previous}}{{label}}{{#next}} <a href="{{next}}" id="page-suivante">suivants →</a>{{/next}}</p>{{/pager}}
        {{#selection}}<form method="post" action="{{action}}" id="{{formId}}"><input type="hidden" name="csrf" value="{{csrf}}">{{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}
        {{#checkAll}}<p class="actions"><a href="{{checkAll}}" id="tout-cocher">Tout cocher</a> · <a href="{{uncheckAll}}" id="tout-decocher">Tout décocher</a> · <button type="submit" id="{{buttonId}}-haut">{{button}}</button></p>{{/checkAll}}{{/selection}}
        {{#sections}}
        {{#caption}}<h2>{{caption}}</h2>{{/caption}}
        <table id="{{tableId}}"><thead><tr>{{#selectable}}<th></th>{{/selectable}}{{#headers}}<th>{{.}}</th>{{/headers}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#selectable}}<td>{{#pick}}<input type="checkbox" name="id" value="{{pick}}" id="choix-{{pick}}"{{#checked}} checked{{/checked}}>{{/pick}}</td>{{/selectable}}{{#cells}}<td{{#num}} class="num"{{/num}}>{{#link}}<a href="{{link}}">{{text}}</a>{{/link}}{{^link}}{{text}}{{/link}}</td>{{/cells}}</tr>{{/rows}}
        {{^rows}}<tr><td colspan="20" class="empty">Aucune ligne.</td></tr>{{/rows}}</tbody></table>
        {{/sections}}
        {{#selection}}<button type="submit" id="{{buttonId}}">{{button}}</button></form>{{/selection}}
        """

    /// One document: lines with explanations, the actions the user may take.
    static let document = """
        <h1>{{heading}}</h1>
        <dl class="facts">{{#facts}}<dt>{{label}}</dt><dd id="{{key}}">{{#links}}<a href="{{href}}">{{text}}</a> {{/links}}{{text}}</dd>{{/facts}}</dl>
        {{#downloads}}<p class="downloads"><a href="{{pdf}}" id="telecharger-pdf">PDF</a>{{#xml}} · <a href="{{xml}}" id="telecharger-xml">XML (e-facture)</a>{{/xml}}</p>{{/downloads}}
        {{#creditForm}}<form method="post" action="{{action}}" id="form-avoir"><input type="hidden" name="csrf" value="{{csrf}}">{{/creditForm}}
        <table id="lignes"><thead><tr>{{#creditForm}}<th>Avoir</th>{{/creditForm}}<th>N°</th><th>Libellé</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th><th>TVA</th><th>Ligne du contrat</th><th>Explication</th></tr></thead>
        <tbody>{{#lines}}<tr>{{#creditForm}}<td><input type="checkbox" name="ligne" value="{{position}}" id="avoir-ligne-{{position}}"> <input name="montant-{{position}}" id="avoir-montant-{{position}}" size="8" placeholder="tout"></td>{{/creditForm}}<td>{{position}}</td><td>{{label}}</td><td class="num">{{quantity}}</td><td class="num">{{price}}</td><td class="num">{{net}}</td><td class="num">{{rate}}</td><td>{{#termLink}}<a href="{{termLink}}" id="ligne-{{position}}-contrat">ligne {{termLine}}</a>{{/termLink}}</td><td class="explain">{{explanation}}</td></tr>
        <tr class="revenu"><td colspan="10">{{#revenue}}<details id="revenu-ligne-{{position}}"><summary>{{summary}}</summary>
        {{#hasDays}}<table class="revenu" id="revenu-ligne-{{position}}-jours"><thead><tr><th>Jour</th><th>Site</th><th>Fichier de caisse</th><th>Version</th><th>Tickets</th><th>Couverts</th><th>TTC</th><th>Part patronale</th></tr></thead>
        <tbody>{{#days}}<tr><td>{{day}}</td><td>{{site}}</td><td>{{file}}</td><td class="num">{{version}}</td><td class="num">{{tickets}}</td><td class="num">{{covers}}</td><td class="num">{{ttc}}</td><td class="num">{{share}}</td></tr>{{/days}}</tbody>
        {{#total}}<tfoot><tr><th colspan="4">Total de la ligne</th><td class="num">{{tickets}}</td><td class="num">{{covers}}</td><td class="num">{{ttc}}</td><td class="num">{{share}}</td></tr></tfoot>{{/total}}</table>
        {{#note}}<p class="hint">{{note}}</p>{{/note}}{{/hasDays}}</details>{{/revenue}}</td></tr>
        {{#editable}}<tr class="edit"><td colspan="9"><details id="modifier-{{position}}"><summary>Modifier la ligne {{position}}</summary><form method="post" action="{{editAction}}" id="form-ligne-{{position}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="position" value="{{position}}">
        <input name="libelle" id="ligne-{{position}}-libelle" value="{{label}}"> <input name="quantite" id="ligne-{{position}}-quantite" value="{{rawQuantity}}" size="6"> <input name="prix" id="ligne-{{position}}-prix" value="{{rawPrice}}" size="10"> <input name="tva" id="ligne-{{position}}-tva" value="{{rawRate}}" size="4"> <input name="motif" id="ligne-{{position}}-motif" placeholder="motif" required> <button type="submit" id="modifier-ligne-{{position}}">Modifier la ligne</button></form></details></td></tr>{{/editable}}
        {{/lines}}</tbody></table>
        <p class="summary" id="totaux">{{totals}}</p>
        {{#creditForm}}<label>Motif <input name="motif" id="avoir-motif" required></label> <button type="submit" id="creer-avoir">Créer un avoir</button>
        <p class="hint">Sans ligne cochée, l'avoir porte sur toute la facture ; un montant HT vide crédite la ligne entière.</p></form>{{/creditForm}}
        {{#proformaActions}}
        <form method="post" action="/proformas/valider" id="form-valider"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}"><button type="submit" id="valider">Valider</button></form>
        <form method="post" action="/proformas/{{id}}/ecarter" id="form-ecarter"><input type="hidden" name="csrf" value="{{csrf}}"><input name="motif" id="ecarter-motif" placeholder="motif" required> <button type="submit" id="ecarter">Écarter</button></form>
        {{/proformaActions}}
        {{#hasAudit}}<h2>Historique</h2><table id="historique"><thead><tr><th>Quand</th><th>Qui</th><th>Action</th><th>Détail</th></tr></thead><tbody>{{/hasAudit}}
        {{#audit}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{details}}</td></tr>{{/audit}}
        {{#hasAudit}}</tbody></table>{{/hasAudit}}
        """

    static let manual = """
        <h1>Factures manuelles</h1>
        <p>Une facture ou un avoir saisi reste une proforma, à valider dans « Proformas à contrôler ».</p>
        {{#canWrite}}
        <form method="post" action="/factures-manuelles" id="form-manuelle" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Type <select name="type" id="manuelle-type"><option value="invoice">Facture</option><option value="credit-note">Avoir</option></select></label>
        <label>Client <select name="client" id="manuelle-client">{{#clients}}<option value="{{code}}">{{code}} — {{name}}</option>{{/clients}}</select></label>
        <label>Période (AAAA-MM) <input name="periode" id="manuelle-periode" value="{{period}}"></label>
        <label>Facture créditée (avoir) <input name="credite" id="manuelle-credite"></label>
        <label>N° de commande <input name="commande" id="manuelle-commande"></label>
        <table id="manuelle-lignes"><thead><tr><th>Libellé</th><th>Quantité</th><th>Prix unitaire HT</th><th>TVA</th></tr></thead><tbody>
        {{#rows}}<tr><td><input name="libelle-{{n}}" id="manuelle-libelle-{{n}}"></td><td><input name="quantite-{{n}}" id="manuelle-quantite-{{n}}" size="6"></td><td><input name="prix-{{n}}" id="manuelle-prix-{{n}}" size="10"></td>
        <td><select name="tva-{{n}}" id="manuelle-tva-{{n}}">{{#rates}}<option value="{{value}}">{{text}} %</option>{{/rates}}</select></td></tr>{{/rows}}
        </tbody></table>
        <label>Motif <input name="motif" id="manuelle-motif" required></label>
        <button type="submit" id="creer-manuelle">Créer la proforma</button>
        </form>
        {{/canWrite}}
        {{^canWrite}}<p>Lecture seule : vous ne pouvez pas saisir de document.</p>{{/canWrite}}
        """

    static let users = """
        <h1>Utilisateurs</h1>
        <table id="utilisateurs"><thead><tr><th>Identifiant</th><th>Nom</th><th>Statut</th><th>Droits</th><th>Clients</th>{{#canWrite}}<th>Actions</th>{{/canWrite}}</tr></thead><tbody>
        {{#users}}<tr><td>{{login}}</td><td>{{name}}</td><td>{{status}}</td><td>{{rights}}</td><td>{{scope}}</td>
        {{#canWrite}}<td>
        <form method="post" action="/utilisateurs/{{login}}/droits" id="droits-{{login}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <select name="fonction" id="droits-{{login}}-fonction">{{#features}}<option value="{{value}}">{{text}}</option>{{/features}}</select>
        <select name="niveau" id="droits-{{login}}-niveau"><option value="none">aucun</option><option value="read">lecture</option><option value="write">écriture</option></select>
        <input name="clients" id="droits-{{login}}-clients" placeholder="clients (vide : inchangé, * : tous)">
        <button type="submit" id="droits-{{login}}-enregistrer">Enregistrer</button></form>
        <form method="post" action="/utilisateurs/{{login}}/activation" id="activation-{{login}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="actif" value="{{toggle}}"><button type="submit" id="activation-{{login}}-bouton">{{toggleLabel}}</button></form>
        </td>{{/canWrite}}</tr>{{/users}}
        </tbody></table>
        {{#canWrite}}
        <h2>Nouvel utilisateur</h2>
        <form method="post" action="/utilisateurs" id="form-utilisateur" class="card"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Identifiant <input name="login" id="nouvel-login" required></label>
        <label>Nom <input name="nom" id="nouvel-nom" required></label>
        <label>Mot de passe <input name="password" id="nouvel-password" type="password" autocomplete="new-password" required></label>
        <label><input type="checkbox" name="admin" value="1" id="nouvel-admin"> Administrateur</label>
        <button type="submit" id="creer-utilisateur">Créer</button></form>
        {{/canWrite}}
        """

    static let client = """
        <h1>{{heading}}</h1>
        <dl class="facts">{{#facts}}<dt>{{label}}</dt><dd>{{text}}</dd>{{/facts}}</dl>
        <h2>Contrôle du contrat</h2><p id="lint">{{lint}}</p>
        {{#diagnostics}}<pre class="diag">{{diagnostics}}</pre>{{/diagnostics}}
        <h2>Contrat ({{contractPath}})</h2>
        <p class="hint">Lecture seule : les contrats se modifient dans git.</p>
        <pre id="contrat">{{#contractLines}}<span id="contrat-ligne-{{n}}">{{text}}</span>
        {{/contractLines}}</pre>
        {{#pending}}<section id="modification">
        <h2>Modification en attente ({{folder}})</h2>
        <form method="get" class="filters"><label>Période <input name="periode" value="{{period}}" id="impact-periode"></label> <button type="submit">Calculer l'impact</button></form>
        <p id="impact-resume">{{summary}}</p>
        {{#impactTable}}<table id="{{tableId}}"><thead><tr>{{#headers}}<th>{{.}}</th>{{/headers}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td{{#num}} class="num"{{/num}}>{{text}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>{{/impactTable}}
        {{#pendingDiagnostics}}<pre class="diag" id="modification-erreurs">{{pendingDiagnostics}}</pre>{{/pendingDiagnostics}}
        {{#pendingContract}}<h3>Contrat modifié</h3><pre id="contrat-modifie">{{pendingContract}}</pre>{{/pendingContract}}
        </section>{{/pending}}
        """

    static let css = """
        :root { --ink: #1d2733; --muted: #5b6776; --line: #d9dee5; --accent: #1f5f99; --bad: #a3262a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--accent); text-decoration: none; }
        nav a { margin-right: .8rem; color: var(--ink); text-decoration: none; }
        nav a.current { font-weight: 600; border-bottom: 2px solid var(--accent); }
        .logout { margin-left: auto; }
        main { padding: 1rem 1.2rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; margin: .5rem 0 1rem; }
        th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; }
        td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.explain { color: var(--muted); font-size: 13px; }
        tr.revenu > td { border-bottom: 1px solid var(--line); padding-top: 0; }
        tr.revenu summary { cursor: pointer; color: var(--accent); font-size: 13px; }
        table.revenu { width: auto; margin: .3rem 0 .5rem 1rem; font-size: 13px; }
        table.revenu tfoot th, table.revenu tfoot td { font-weight: 600; background: #eef1f5; }
        .hint { color: var(--muted); font-size: 13px; }
        .filters, .card { background: #fff; padding: .6rem; border: 1px solid var(--line); margin-bottom: .8rem; }
        .card label { display: block; margin: .4rem 0; }
        .inline { display: inline; }
        .summary { font-weight: 600; }
        .notice { background: #e8f2ea; padding: .5rem; }
        ul.work li { margin: .3rem 0; } ul.work li.fait a { color: #666; }
        .error { color: var(--bad); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dt { color: var(--muted); }
        pre { background: #fff; border: 1px solid var(--line); padding: .6rem; overflow: auto; }
        button { background: var(--accent); color: #fff; border: 0; padding: .35rem .8rem; cursor: pointer; }
            .chart { margin: 1.5rem 0; } .chart svg { max-width: 100%; height: auto; }
        p.note { color: #555; font-size: .9rem; }
        """
}
