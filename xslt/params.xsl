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

</xsl:stylesheet>
