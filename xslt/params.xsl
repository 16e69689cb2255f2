<?xml version="1.0" encoding="UTF-8"?>
<!--
  params.xsl: every parameter of the tei-edition HTML stylesheets.

  Python passes them as strings: render_document(tree, params={"name": value})
  (True/False become "yes"/"no", numbers their decimal form).  A customisation
  that imports tei-html.xsl can also give any of them a new default with its own
  top-level xsl:param of the same name.

  Register links are NOT parameters: the render module resolves every pointer
  before the transformation and leaves the answer on the element as @te:href
  (see tei-html.xsl, "What Python adds to the TEI").

  Values that are "yes"/"no" switches treat anything but "yes" as "no" unless
  said otherwise.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!-- ===== The page and the site ===================================== -->

  <!-- Prefix for site-relative links made by the stylesheet itself (css-href,
       home-href, the register pages of the navigation): "" for a page at the
       site root, "../" for a page one folder down.  Register links from
       Python are used as given and do not get this prefix. -->
  <xsl:param name="site-root" select="''"/>

  <!-- Site-relative href of the CSS file; "" for none.  The file itself is
       xslt/edition.css, which the site build copies next to the pages. -->
  <xsl:param name="css-href" select="'edition.css'"/>

  <!-- Content of the Content-Security-Policy meta element; "" for none.  The
       pages load nothing but the stylesheet, so 'self' is enough; a site that
       adds a search script widens it here. -->
  <xsl:param name="csp" select="&quot;default-src 'self'&quot;"/>

  <!-- Language of the page when the TEI gives none (xml:lang on TEI or
       text).  Set "lang" to force one whatever the TEI says. -->
  <xsl:param name="default-lang" select="'en'"/>
  <xsl:param name="lang" select="''"/>

  <!-- Appended to the text's title in the HTML <title>, e.g. " - My Edition". -->
  <xsl:param name="page-title-suffix" select="''"/>

  <!-- Site navigation, shown above the text when at least one link is given.
       Site-relative hrefs ("" leaves the link out): the home page and the
       register pages, one per kind of register entry. -->
  <xsl:param name="home-href" select="''"/>
  <xsl:param name="persons-page" select="''"/>
  <xsl:param name="places-page" select="''"/>
  <xsl:param name="orgs-page" select="''"/>
  <xsl:param name="works-page" select="''"/>

  <!-- More site pages for the navigation ("" leaves the link out): the
       events register, the chronology, the map and the search page. -->
  <xsl:param name="events-page" select="''"/>
  <xsl:param name="chronology-page" select="''"/>
  <xsl:param name="map-page" select="''"/>
  <xsl:param name="search-page" select="''"/>

  <!-- The edition's title.  When given, every page shows it above the
       navigation (linked to home-href) and ends with a footer that names it;
       "" for neither. -->
  <xsl:param name="site-title" select="''"/>

  <!-- Site-relative href of this page itself (e.g. "persons.html"): its
       link in the navigation is marked aria-current="page". -->
  <xsl:param name="current-page" select="''"/>

  <!-- Site-relative href of the icon (favicon); "" for none. -->
  <xsl:param name="icon-href" select="''"/>

  <!-- Site-relative href of the data downloads (the footer links to it);
       "" for no link. -->
  <xsl:param name="downloads-href" select="''"/>

  <!-- When the site was built (a W3C date or date-time), shown in the
       footer; "" (the default) keeps pages free of timestamps, so that the
       same texts always give the same pages. -->
  <xsl:param name="built-on" select="''"/>

  <!-- Site-relative href of the TEI source of this page (a data download);
       "" for no link. -->
  <xsl:param name="tei-source-href" select="''"/>

  <!-- "yes" marks <main> with data-pagefind-body, so that the Pagefind
       search index takes the text and not the navigation. -->
  <xsl:param name="pagefind" select="'no'"/>

  <!-- ===== How the text is shown ====================================== -->

  <!-- lb: "yes" renders a line break (<br>), "no" only a space (none for
       lb/@break="no"). -->
  <xsl:param name="show-line-breaks" select="'yes'"/>

  <!-- pb: "yes" shows the page number in the margin; "no" keeps only an empty
       anchor (the id still works as a link target). -->
  <xsl:param name="show-page-breaks" select="'yes'"/>

  <!-- choice and app: which reading is shown in the text.  "edited" shows
       corr, reg, expan (and lem); "diplomatic" shows sic, orig, abbr.  The
       other readings are in a tooltip (title) and in visually hidden text
       for screen readers. -->
  <xsl:param name="choice-show" select="'edited'"/>

  <!-- Inline q/quote become <q>, for which browsers supply quotation marks.
       "no" suppresses those marks (for texts that keep them as characters). -->
  <xsl:param name="inline-quotation-marks" select="'yes'"/>

  <!-- Footnote numbers: a format token of xsl:number ("1", "a", "A", "i",
       "I").  Notes are counted across the whole text by Python. -->
  <xsl:param name="note-number-format" select="'1'"/>

  <!-- "n": a note's own @n is its label where it has one; "auto": always the
       running number. -->
  <xsl:param name="note-labels" select="'auto'"/>

  <!-- Table of contents from div/head: "auto" shows it when there are at
       least toc-min-entries headed divisions, "yes" always (if any), "no"
       never. -->
  <xsl:param name="toc" select="'auto'"/>
  <xsl:param name="toc-min-entries" select="2"/>

  <!-- Brackets around supplied text. -->
  <xsl:param name="supplied-open" select="'['"/>
  <xsl:param name="supplied-close" select="']'"/>

  <!-- ===== Words on the page (translate these for another language) === -->

  <xsl:param name="label-skip" select="'Skip to the text'"/>
  <xsl:param name="label-site-navigation" select="'Site'"/>
  <xsl:param name="label-home" select="'Home'"/>
  <xsl:param name="label-persons" select="'Persons'"/>
  <xsl:param name="label-places" select="'Places'"/>
  <xsl:param name="label-orgs" select="'Organisations'"/>
  <xsl:param name="label-works" select="'Works'"/>
  <xsl:param name="label-events" select="'Events'"/>
  <xsl:param name="label-chronology" select="'Chronology'"/>
  <xsl:param name="label-map" select="'Map'"/>
  <xsl:param name="label-search" select="'Search'"/>
  <xsl:param name="label-downloads" select="'Data downloads'"/>
  <xsl:param name="label-built-with" select="'built with tei-edition from TEI P5 sources'"/>
  <xsl:param name="label-untitled" select="'Untitled text'"/>
  <xsl:param name="label-by" select="'By'"/>
  <xsl:param name="label-edited-by" select="'Edited by'"/>
  <xsl:param name="label-source" select="'Source'"/>
  <xsl:param name="label-publication" select="'Publication'"/>
  <xsl:param name="label-licence" select="'Licence'"/>
  <xsl:param name="label-tei-source" select="'TEI source'"/>
  <xsl:param name="label-download-tei" select="'Download the TEI XML'"/>
  <xsl:param name="label-editorial-note" select="'Editorial note'"/>
  <xsl:param name="label-revisions" select="'Revisions'"/>
  <xsl:param name="label-contents" select="'Contents'"/>
  <xsl:param name="label-notes" select="'Notes'"/>
  <xsl:param name="label-note" select="'Note'"/>
  <xsl:param name="label-back-to-text" select="'Back to the text'"/>
  <xsl:param name="label-page" select="'Page'"/>
  <!-- The name of a link that has no text of its own (the small link after
       a name that cannot be a link itself, numbered links to several
       targets), when the register gives no label: for names, for pointers. -->
  <xsl:param name="label-register-entry" select="'Register entry'"/>
  <xsl:param name="label-link" select="'Link'"/>
  <!-- The alternative text of an image that has no caption or description. -->
  <xsl:param name="label-image" select="'Image'"/>
  <!-- The hidden reading of a choice or app, named by its TEI element. -->
  <xsl:param name="label-sic" select="'as written'"/>
  <xsl:param name="label-corr" select="'corrected'"/>
  <xsl:param name="label-orig" select="'original'"/>
  <xsl:param name="label-reg" select="'regularised'"/>
  <xsl:param name="label-abbr" select="'abbreviated'"/>
  <xsl:param name="label-expan" select="'expanded'"/>
  <xsl:param name="label-lem" select="'lemma'"/>
  <xsl:param name="label-rdg" select="'variant'"/>
  <xsl:param name="label-alternative" select="'alternative'"/>
  <!-- Transcription marks, read out by screen readers ("" for none). -->
  <xsl:param name="label-added" select="'added'"/>
  <xsl:param name="label-deleted" select="'deleted'"/>
  <xsl:param name="label-unclear" select="'unclear'"/>
  <xsl:param name="label-supplied" select="'supplied'"/>
  <xsl:param name="label-gap" select="'gap'"/>
  <xsl:param name="label-space" select="'blank space'"/>
  <xsl:param name="label-damage" select="'damaged'"/>
  <xsl:param name="label-hand" select="'change of hand'"/>

  <!-- ===== Words on the site pages (site-pages.xsl) =================== -->

  <!-- Home page -->
  <xsl:param name="label-texts" select="'Texts'"/>
  <xsl:param name="label-published-by" select="'Published by'"/>
  <xsl:param name="label-registers" select="'Registers and tools'"/>
  <xsl:param name="label-entries" select="'entries'"/>
  <xsl:param name="label-one-entry" select="'entry'"/>
  <xsl:param name="label-dates" select="'dates'"/>
  <xsl:param name="label-places-on-map" select="'places with coordinates'"/>
  <xsl:param name="label-search-hint" select="'full text of the texts and registers'"/>
  <xsl:param name="label-downloads-intro" select="'The registers as JSON, CSV, GeoJSON and TEI, and the TEI sources of every text, to reuse under their licences.'"/>
  <xsl:param name="label-register" select="'Register'"/>
  <xsl:param name="label-tei-sources" select="'TEI sources'"/>
  <xsl:param name="label-all-registers" select="'All registers'"/>
  <!-- Register pages -->
  <xsl:param name="label-letters" select="'Jump to a letter'"/>
  <xsl:param name="label-other-names" select="'Also'"/>
  <xsl:param name="label-born" select="'Born'"/>
  <xsl:param name="label-died" select="'Died'"/>
  <xsl:param name="label-date" select="'Date'"/>
  <xsl:param name="label-coordinates" select="'Coordinates'"/>
  <xsl:param name="label-on-the-map" select="'on the map'"/>
  <xsl:param name="label-authorities" select="'Authority files'"/>
  <xsl:param name="label-mention" select="'mention'"/>
  <xsl:param name="label-mentions" select="'mentions'"/>
  <xsl:param name="label-no-mentions" select="'Not mentioned in the texts.'"/>
  <xsl:param name="label-in-registers" select="'in the registers'"/>
  <xsl:param name="label-in-header" select="'in the header'"/>
  <!-- Dates: ranges and open bounds -->
  <xsl:param name="label-between" select="'between'"/>
  <xsl:param name="label-and" select="'and'"/>
  <xsl:param name="label-not-before" select="'not before'"/>
  <xsl:param name="label-not-after" select="'not after'"/>
  <xsl:param name="label-from" select="'from'"/>
  <xsl:param name="label-to" select="'until'"/>
  <xsl:param name="label-bce" select="'BCE'"/>
  <!-- Chronology -->
  <xsl:param name="label-chronology-intro" select="'Every date in the texts and registers, earliest first. Each links to its place.'"/>
  <xsl:param name="label-as-written" select="'As written'"/>
  <xsl:param name="label-where" select="'Where'"/>
  <xsl:param name="label-years" select="'Jump to a year'"/>
  <xsl:param name="label-undated" select="'Without a year'"/>
  <!-- Map -->
  <xsl:param name="label-map-intro" select="'The places of the registers that have coordinates. Each point and each name leads to its register entry.'"/>
  <xsl:param name="label-without-coordinates" select="'Places without coordinates'"/>

</xsl:stylesheet>
