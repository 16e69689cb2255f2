<?xml version="1.0" encoding="UTF-8"?>
<!--
  core.xsl: the shared helpers (provenance attributes, block detection, links,
  hidden readings) and the TEI core module: phrase-level elements, quotation,
  lists, tables, figures, pointers and notes.

  Every template that renders a TEI element calls te:attrs on the HTML element
  it makes, so that the element keeps its TEI class, id and language.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  exclude-result-prefixes="tei te">

  <xsl:key name="te:xml-id" match="*[@xml:id]" use="@xml:id"/>

  <!-- Stray content of lists, tables and rows (not an item, row or cell):
       each stray node belongs to the member that follows it.  Keys keep this
       linear in the length of the list. -->
  <xsl:key name="te:list-strays" use="generate-id(following-sibling::*[self::tei:item or self::tei:label][1])"
      match="tei:list/node()[not(self::tei:item or self::tei:label or self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]"/>
  <xsl:key name="te:table-strays" use="generate-id(following-sibling::tei:row[1])"
      match="tei:table/node()[not(self::tei:row or self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]"/>
  <xsl:key name="te:row-strays" use="generate-id(following-sibling::tei:cell[1])"
      match="tei:table/tei:row/node()[not(self::tei:cell or self::te:*)][self::* or self::text()[normalize-space()]]"/>

  <!-- ================================================================
       Helpers
       ================================================================ -->

  <!-- id, class and lang of the current TEI element, from what Python
       prepared (@te:id, @te:class, @te:lang: already sanitised).  $class
       adds presentation classes of our own (te-...). -->
  <xsl:template name="te:attrs">
    <xsl:param name="class" select="''"/>
    <xsl:param name="with-id" select="true()"/>
    <xsl:if test="$with-id and @te:id">
      <xsl:attribute name="id"><xsl:value-of select="@te:id"/></xsl:attribute>
    </xsl:if>
    <xsl:attribute name="class">
      <xsl:choose>
        <xsl:when test="@te:class"><xsl:value-of select="@te:class"/></xsl:when>
        <xsl:otherwise>tei-<xsl:value-of select="local-name()"/></xsl:otherwise>
      </xsl:choose>
      <xsl:if test="normalize-space($class)">
        <xsl:text> </xsl:text>
        <xsl:value-of select="normalize-space($class)"/>
      </xsl:if>
    </xsl:attribute>
    <xsl:if test="@te:lang">
      <xsl:attribute name="lang"><xsl:value-of select="@te:lang"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- Mode te:blocks writes "b" for every node that becomes an HTML block
       (div, figure, blockquote, table, list...).  An element whose children
       give "b" cannot be <p>, <span> or another phrasing element, so it
       becomes a <div> with the same class.  Notes leave the running text
       (they are footnotes), so they never count.  A customisation that
       renders a new element as a block adds a template in this mode. -->
  <xsl:template match="*" mode="te:blocks">
    <xsl:apply-templates select="*" mode="te:blocks"/>
  </xsl:template>
  <xsl:template match="tei:note | te:*" mode="te:blocks"/>
  <xsl:template mode="te:blocks" match="tei:p | tei:ab | tei:div | tei:div1 | tei:div2
      | tei:div3 | tei:div4 | tei:div5 | tei:div6 | tei:div7 | tei:divGen | tei:lg | tei:l
      | tei:list | tei:listBibl | tei:listPerson | tei:listPlace | tei:listOrg
      | tei:listEvent | tei:listNym | tei:listRelation | tei:listWit | tei:table
      | tei:figure | tei:floatingText | tei:group | tei:text | tei:front | tei:body
      | tei:back | tei:titlePage | tei:docTitle | tei:titlePart | tei:docAuthor
      | tei:docImprint | tei:docEdition | tei:imprimatur | tei:byline | tei:epigraph
      | tei:argument | tei:opener | tei:closer | tei:dateline | tei:salute | tei:signed
      | tei:trailer | tei:postscript | tei:sp | tei:speaker | tei:spGrp | tei:castList
      | tei:head | tei:person | tei:personGrp | tei:place | tei:org | tei:event
      | tei:nym | tei:relation | tei:witness">b</xsl:template>
  <xsl:template match="tei:quote | tei:q | tei:said" mode="te:blocks">
    <xsl:choose>
      <!-- inside cit, the cit decides (see below) -->
      <xsl:when test="parent::tei:cit">
        <xsl:apply-templates select="*" mode="te:blocks"/>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="te:block-quotation"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:cit" mode="te:blocks">
    <xsl:call-template name="te:block-quotation"/>
  </xsl:template>

  <!-- A quotation (quote, q, said or cit) is a block when it stands between
       paragraphs, when @rend (or @style/@rendition) says so, or when it holds
       blocks itself (paragraphs, verse...).  Writes "b" for a block. -->
  <xsl:template name="te:block-quotation">
    <xsl:choose>
      <xsl:when test="parent::tei:body or parent::tei:front or parent::tei:back
          or parent::tei:div or parent::tei:div1 or parent::tei:div2 or parent::tei:div3
          or parent::tei:div4 or parent::tei:div5 or parent::tei:div6 or parent::tei:div7
          or parent::tei:epigraph or parent::tei:sp or parent::tei:floatingText
          or parent::tei:group or parent::tei:argument or parent::tei:postscript">b</xsl:when>
      <xsl:when test="contains(@te:rend, ' block ') or contains(@te:rend, ' display ')
          or contains(@te:rend, ' blockquote ') or contains(@te:rend, ' indent ')">b</xsl:when>
      <xsl:when test="self::tei:cit and *[self::tei:quote or self::tei:q][contains(@te:rend, ' block ')
          or contains(@te:rend, ' display ') or contains(@te:rend, ' blockquote ')
          or contains(@te:rend, ' indent ')]">b</xsl:when>
      <xsl:otherwise><xsl:apply-templates select="*" mode="te:blocks"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Mode te:hidden writes "h" for a reading of choice or app that is not
       shown in the running text ($choice-show decides which one is). -->
  <xsl:template match="node()" mode="te:hidden"/>
  <xsl:template match="tei:choice/*" mode="te:hidden">
    <xsl:variable name="edited" select="$choice-show != 'diplomatic'"/>
    <xsl:variable name="preferred" select="../*[($edited and (self::tei:corr or self::tei:reg or self::tei:expan))
        or (not($edited) and (self::tei:sic or self::tei:orig or self::tei:abbr))]"/>
    <xsl:choose>
      <xsl:when test="$preferred">
        <xsl:if test="count(. | $preferred[1]) != 1">h</xsl:if>
      </xsl:when>
      <xsl:when test="preceding-sibling::*">h</xsl:when>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="tei:app/tei:lem | tei:app/tei:rdg | tei:app/tei:rdgGrp" mode="te:hidden">
    <xsl:variable name="readings" select="../tei:lem | ../tei:rdg | ../tei:rdgGrp"/>
    <xsl:variable name="shown" select="(../tei:lem | $readings[not(../tei:lem)])[1]"/>
    <xsl:if test="count(. | $shown) != 1">h</xsl:if>
  </xsl:template>

  <!-- "h" when the current element lies in a hidden reading. -->
  <xsl:template name="te:in-hidden-reading">
    <xsl:apply-templates mode="te:hidden"
        select="ancestor-or-self::*[parent::tei:choice or (parent::tei:app and (self::tei:lem or self::tei:rdg or self::tei:rdgGrp))]"/>
  </xsl:template>

  <!-- Mode te:plain: the text of an element as one line, for titles,
       tooltips and the table of contents: the shown reading only, no notes,
       no markup. -->
  <xsl:template match="text()" mode="te:plain"><xsl:value-of select="."/></xsl:template>
  <xsl:template match="*" mode="te:plain"><xsl:apply-templates mode="te:plain"/></xsl:template>
  <xsl:template match="tei:note | tei:del | tei:figure | tei:graphic | te:*" mode="te:plain"/>
  <xsl:template match="tei:lb | tei:cb" mode="te:plain">
    <xsl:if test="not(@break = 'no')"><xsl:text> </xsl:text></xsl:if>
  </xsl:template>
  <xsl:template match="tei:gap" mode="te:plain">[…]</xsl:template>
  <xsl:template match="tei:choice | tei:app" mode="te:plain">
    <xsl:for-each select="*">
      <xsl:variable name="hidden"><xsl:apply-templates select="." mode="te:hidden"/></xsl:variable>
      <xsl:if test="not(string($hidden))"><xsl:apply-templates select="." mode="te:plain"/></xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- The common rendering of a phrase-level element.
       - It becomes $element (span, cite, time, q, em...) with te:attrs;
       - a <div> instead when it holds blocks (valid HTML: no block in a
         phrase);
       - an <a> when Python resolved a pointer (@te:href), unless that would
         nest links or sits in a hidden reading: then the element keeps its
         content and a small link follows it ("trailing" link);
       - several resolved targets (te:target children) become numbered
         links after the content.
       $content replaces the element's own content when $use-content is
       "yes"; $fallback is shown when the element is empty. -->
  <xsl:template name="te:inline">
    <xsl:param name="element" select="'span'"/>
    <xsl:param name="class" select="''"/>
    <xsl:param name="title" select="''"/>
    <xsl:param name="fallback" select="''"/>
    <xsl:param name="datetime" select="''"/>
    <xsl:param name="use-content" select="'no'"/>
    <xsl:param name="content"/>
    <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
    <xsl:variable name="hidden">
      <xsl:if test="@te:href"><xsl:call-template name="te:in-hidden-reading"/></xsl:if>
    </xsl:variable>
    <xsl:variable name="link">
      <xsl:choose>
        <xsl:when test="not(@te:href) or string($hidden)">none</xsl:when>
        <xsl:when test="te:target">multi</xsl:when>
        <xsl:when test="string($blocks) or .//*[@te:href] or .//te:target or .//tei:note[@te:n]">trailing</xsl:when>
        <xsl:otherwise>whole</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="tooltip">
      <xsl:choose>
        <xsl:when test="normalize-space($title)"><xsl:value-of select="normalize-space($title)"/></xsl:when>
        <xsl:when test="$link = 'whole' and $element = 'span' and not(string($blocks)) and @te:title"><xsl:value-of select="@te:title"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="name">
      <xsl:choose>
        <xsl:when test="string($blocks)">div</xsl:when>
        <xsl:when test="$link = 'whole' and $element = 'span'">a</xsl:when>
        <xsl:otherwise><xsl:value-of select="$element"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$name}">
      <xsl:call-template name="te:attrs">
        <xsl:with-param name="class" select="$class"/>
      </xsl:call-template>
      <xsl:if test="$name = 'a'">
        <xsl:attribute name="href"><xsl:value-of select="@te:href"/></xsl:attribute>
      </xsl:if>
      <xsl:if test="$name = 'time' and $datetime">
        <xsl:attribute name="datetime"><xsl:value-of select="$datetime"/></xsl:attribute>
      </xsl:if>
      <xsl:if test="string($tooltip)">
        <xsl:attribute name="title"><xsl:value-of select="$tooltip"/></xsl:attribute>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$link = 'whole' and $name != 'a'">
          <a class="te-link" href="{@te:href}">
            <xsl:if test="@te:title"><xsl:attribute name="title"><xsl:value-of select="@te:title"/></xsl:attribute></xsl:if>
            <xsl:call-template name="te:inline-content">
              <xsl:with-param name="fallback" select="$fallback"/>
              <xsl:with-param name="use-content" select="$use-content"/>
              <xsl:with-param name="content" select="$content"/>
            </xsl:call-template>
          </a>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="te:inline-content">
            <xsl:with-param name="fallback" select="$fallback"/>
            <xsl:with-param name="use-content" select="$use-content"/>
            <xsl:with-param name="content" select="$content"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="$link = 'multi'"><xsl:call-template name="te:target-links"/></xsl:when>
        <xsl:when test="$link = 'trailing'"><xsl:call-template name="te:trailing-link"/></xsl:when>
      </xsl:choose>
    </xsl:element>
  </xsl:template>

  <xsl:template name="te:inline-content">
    <xsl:param name="fallback" select="''"/>
    <xsl:param name="use-content" select="'no'"/>
    <xsl:param name="content"/>
    <xsl:choose>
      <xsl:when test="$use-content = 'yes'"><xsl:copy-of select="$content"/></xsl:when>
      <xsl:when test="node()[not(self::te:*)]"><xsl:apply-templates/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$fallback"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A small link after an element that cannot itself be the link. -->
  <xsl:template name="te:trailing-link">
    <xsl:text> </xsl:text>
    <a class="te-reflink" href="{@te:href}">
      <xsl:if test="@te:title"><xsl:attribute name="title"><xsl:value-of select="@te:title"/></xsl:attribute></xsl:if>
      <span aria-hidden="true">↗</span>
      <span class="te-visually-hidden">
        <xsl:choose>
          <xsl:when test="@te:title"><xsl:value-of select="@te:title"/></xsl:when>
          <xsl:otherwise><xsl:call-template name="te:link-word"/></xsl:otherwise>
        </xsl:choose>
      </span>
    </a>
  </xsl:template>

  <!-- What an unlabelled link is called: a register entry for names, a
       link for pointers. -->
  <xsl:template name="te:link-word">
    <xsl:choose>
      <xsl:when test="self::tei:ref or self::tei:ptr or self::tei:licence or self::tei:graphic or self::tei:media">
        <xsl:value-of select="$label-link"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$label-register-entry"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Several targets: numbered links, each named by its register label. -->
  <xsl:template name="te:target-links">
    <xsl:text> </xsl:text>
    <span class="te-reflinks">
      <xsl:text>[</xsl:text>
      <xsl:for-each select="te:target">
        <xsl:if test="position() &gt; 1">, </xsl:if>
        <a class="te-reflink" href="{@href}">
          <xsl:if test="@title"><xsl:attribute name="title"><xsl:value-of select="@title"/></xsl:attribute></xsl:if>
          <xsl:value-of select="position()"/>
          <span class="te-visually-hidden">
            <xsl:text>: </xsl:text>
            <xsl:choose>
              <xsl:when test="@title"><xsl:value-of select="@title"/></xsl:when>
              <xsl:otherwise><xsl:for-each select=".."><xsl:call-template name="te:link-word"/></xsl:for-each></xsl:otherwise>
            </xsl:choose>
          </span>
        </a>
      </xsl:for-each>
      <xsl:text>]</xsl:text>
    </span>
  </xsl:template>

  <!-- A block-level element without a template of its own: a <div>. -->
  <xsl:template name="te:block">
    <xsl:param name="element" select="'div'"/>
    <xsl:param name="class" select="''"/>
    <xsl:element name="{$element}">
      <xsl:call-template name="te:attrs">
        <xsl:with-param name="class" select="$class"/>
      </xsl:call-template>
      <xsl:apply-templates/>
      <xsl:if test="@te:href">
        <xsl:variable name="hidden"><xsl:call-template name="te:in-hidden-reading"/></xsl:variable>
        <xsl:if test="not(string($hidden))">
          <xsl:choose>
            <xsl:when test="te:target"><xsl:call-template name="te:target-links"/></xsl:when>
            <xsl:otherwise><xsl:call-template name="te:trailing-link"/></xsl:otherwise>
          </xsl:choose>
        </xsl:if>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <!-- A small piece of text that screen readers read and eyes do not see. -->
  <xsl:template name="te:hidden-text">
    <xsl:param name="text"/>
    <xsl:if test="string($text)">
      <span class="te-visually-hidden"><xsl:value-of select="$text"/></span>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================
       Unknown elements and annotations
       ================================================================ -->

  <!-- Anything without a template of its own (including elements in other
       namespaces): a span (or div) with class tei-<localname>, content kept. -->
  <xsl:template match="*">
    <xsl:call-template name="te:inline"/>
  </xsl:template>

  <!-- What Python adds (te:target) is data, not text. -->
  <xsl:template match="te:*"/>

  <!-- Parts of the TEI that are not running text, and have no rendering in
       the text area: the header is rendered as the front matter
       (header.xsl); facsimile, sourceDoc and standOff are not shown. -->
  <xsl:template match="tei:teiHeader | tei:facsimile | tei:sourceDoc | tei:standOff"/>

  <!-- Blocks that need nothing but a div. -->
  <xsl:template match="tei:lg | tei:l | tei:listPerson | tei:listPlace | tei:listOrg
      | tei:listEvent | tei:listNym | tei:listRelation | tei:listWit | tei:floatingText
      | tei:titlePage | tei:docTitle | tei:titlePart | tei:docAuthor | tei:docImprint
      | tei:docEdition | tei:imprimatur | tei:byline | tei:epigraph | tei:argument
      | tei:opener | tei:closer | tei:dateline | tei:salute | tei:signed | tei:trailer
      | tei:postscript | tei:sp | tei:speaker | tei:spGrp | tei:castList | tei:person
      | tei:personGrp | tei:place | tei:org | tei:event | tei:nym | tei:relation
      | tei:witness | tei:divGen">
    <xsl:call-template name="te:block"/>
  </xsl:template>

  <!-- ================================================================
       Paragraphs and phrase-level elements
       ================================================================ -->

  <xsl:template match="tei:p | tei:ab">
    <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="string($blocks)"><xsl:call-template name="te:block"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="te:block"><xsl:with-param name="element" select="'p'"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- hi: @rend/@style/@rendition (read by Python into the lower-case token
       list @te:rend) map to HTML's typographic elements, outermost first:
       sup/sub, b, i, u, s.  Other known values become classes; every value also
       stays in the class list (tei-hi plus the value).  Never a style attribute. -->
  <xsl:template match="tei:hi">
    <xsl:variable name="r" select="concat(' ', @te:rend, ' ')"/>
    <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
    <xsl:variable name="wrappers">
      <xsl:if test="contains($r, ' sup ') or contains($r, ' super ') or contains($r, ' superscript ')"> sup</xsl:if>
      <xsl:if test="contains($r, ' sub ') or contains($r, ' subscript ')"> sub</xsl:if>
      <xsl:if test="contains($r, ' bold ') or contains($r, ' b ') or contains($r, ' bf ') or contains($r, ' strong ') or contains($r, ' bolder ')"> b</xsl:if>
      <xsl:if test="contains($r, ' italic ') or contains($r, ' italics ') or contains($r, ' i ') or contains($r, ' it ') or contains($r, ' ital ') or contains($r, ' cursive ') or contains($r, ' oblique ')"> i</xsl:if>
      <xsl:if test="contains($r, ' underline ') or contains($r, ' underlined ') or contains($r, ' ul ') or contains($r, ' u ') or contains($r, ' double-underline ')"> u</xsl:if>
      <xsl:if test="contains($r, ' strikethrough ') or contains($r, ' line-through ') or contains($r, ' strike ') or contains($r, ' s ') or contains($r, ' overstrike ')"> s</xsl:if>
    </xsl:variable>
    <xsl:variable name="classes">
      <xsl:if test="contains($r, ' smallcaps ') or contains($r, ' small-caps ') or contains($r, ' sc ')"> te-smallcaps</xsl:if>
      <xsl:if test="contains($r, ' uppercase ') or contains($r, ' caps ') or contains($r, ' allcaps ')"> te-uppercase</xsl:if>
      <xsl:if test="contains($r, ' spaced ') or contains($r, ' letterspace ') or contains($r, ' letter-spacing ') or contains($r, ' gesperrt ')"> te-spaced</xsl:if>
      <xsl:if test="contains($r, ' large ') or contains($r, ' larger ')"> te-large</xsl:if>
      <xsl:if test="contains($r, ' small ') or contains($r, ' smaller ')"> te-small</xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="string($blocks) or not(normalize-space($wrappers))">
        <xsl:call-template name="te:inline">
          <xsl:with-param name="class" select="$classes"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:hi-nest">
          <xsl:with-param name="wrappers" select="normalize-space($wrappers)"/>
          <xsl:with-param name="classes" select="$classes"/>
          <xsl:with-param name="outer" select="true()"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="te:hi-nest">
    <xsl:param name="wrappers"/>
    <xsl:param name="classes"/>
    <xsl:param name="outer" select="false()"/>
    <xsl:variable name="first">
      <xsl:choose>
        <xsl:when test="contains($wrappers, ' ')"><xsl:value-of select="substring-before($wrappers, ' ')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$wrappers"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="not(string($first))"><xsl:apply-templates/></xsl:when>
      <xsl:otherwise>
        <xsl:element name="{$first}">
          <xsl:if test="$outer">
            <xsl:call-template name="te:attrs">
              <xsl:with-param name="class" select="$classes"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:call-template name="te:hi-nest">
            <xsl:with-param name="wrappers" select="substring-after($wrappers, ' ')"/>
          </xsl:call-template>
        </xsl:element>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:emph">
    <xsl:call-template name="te:inline"><xsl:with-param name="element" select="'em'"/></xsl:call-template>
  </xsl:template>

  <!-- Titles of works are <cite>; with a resolved @ref the title links to
       the works register (the link inside the cite). -->
  <xsl:template match="tei:title">
    <xsl:call-template name="te:inline"><xsl:with-param name="element" select="'cite'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:bibl | tei:biblStruct | tei:biblFull">
    <xsl:call-template name="te:inline"><xsl:with-param name="element" select="'cite'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:code | tei:ident">
    <xsl:call-template name="te:inline"><xsl:with-param name="element" select="'code'"/></xsl:call-template>
  </xsl:template>

  <!-- Element and attribute names in prose about markup: <gi>p</gi> reads
       "<p>", <att>rend</att> reads "@rend". -->
  <xsl:template match="tei:gi">
    <code>
      <xsl:call-template name="te:attrs"/>
      <xsl:text>&lt;</xsl:text><xsl:apply-templates/><xsl:text>&gt;</xsl:text>
    </code>
  </xsl:template>
  <xsl:template match="tei:att">
    <code>
      <xsl:call-template name="te:attrs"/>
      <xsl:text>@</xsl:text><xsl:apply-templates/>
    </code>
  </xsl:template>
  <xsl:template match="tei:tag">
    <code>
      <xsl:call-template name="te:attrs"/>
      <xsl:text>&lt;</xsl:text><xsl:apply-templates/><xsl:text>&gt;</xsl:text>
    </code>
  </xsl:template>
  <xsl:template match="tei:val">
    <code>
      <xsl:call-template name="te:attrs"/>
      <xsl:text>"</xsl:text><xsl:apply-templates/><xsl:text>"</xsl:text>
    </code>
  </xsl:template>

  <!-- ================================================================
       Quotation
       ================================================================ -->

  <!-- quote, q, said: <blockquote> when a block (te:block-quotation),
       otherwise <q> (the browser supplies the quotation marks, unless
       inline-quotation-marks is "no"). -->
  <xsl:template match="tei:quote | tei:q | tei:said">
    <xsl:variable name="block">
      <xsl:choose>
        <xsl:when test="parent::tei:cit">
          <xsl:for-each select=".."><xsl:call-template name="te:block-quotation"/></xsl:for-each>
        </xsl:when>
        <xsl:otherwise><xsl:call-template name="te:block-quotation"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="string($block)">
        <xsl:call-template name="te:block"><xsl:with-param name="element" select="'blockquote'"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="self::tei:said and @direct = 'false'">
        <xsl:call-template name="te:inline"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:inline">
          <xsl:with-param name="element" select="'q'"/>
          <xsl:with-param name="class">
            <xsl:if test="$inline-quotation-marks = 'no'">te-no-marks</xsl:if>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- cit: as a block, <figure> with the quotation(s) as <blockquote> and
       the attribution (bibl, ref, ptr) in <figcaption>; inline, a span with
       <q> and <cite>. -->
  <xsl:template match="tei:cit">
    <xsl:variable name="block"><xsl:call-template name="te:block-quotation"/></xsl:variable>
    <xsl:variable name="attribution" select="tei:bibl | tei:biblStruct | tei:listBibl | tei:ref | tei:ptr"/>
    <xsl:choose>
      <xsl:when test="string($block)">
        <figure>
          <xsl:call-template name="te:attrs"/>
          <xsl:apply-templates select="node()[count(. | $attribution) != count($attribution)]"/>
          <xsl:if test="$attribution">
            <figcaption class="te-attribution">
              <xsl:apply-templates select="$attribution"/>
            </figcaption>
          </xsl:if>
        </figure>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:inline"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Lists
       ================================================================ -->

  <!-- list: <dl> when it has labels (or is a gloss list), <ol> when
       numbered, else <ul>.  Anything between the items that is not an item
       (pb, milestone, a stray note...) goes into the next item, or the last
       one, so that the list stays valid HTML and nothing is dropped.  A head
       comes before the list, in a wrapper div. -->
  <xsl:template match="tei:list">
    <xsl:variable name="kind">
      <xsl:choose>
        <xsl:when test="tei:label or @type = 'gloss' or contains(@te:rend, ' gloss ')">dl</xsl:when>
        <xsl:when test="@type = 'ordered' or @type = 'numbered' or contains(@te:rend, ' numbered ')
            or contains(@te:rend, ' ordered ') or contains(@te:rend, ' decimal ') or contains(@te:rend, ' arabic ')">ol</xsl:when>
        <xsl:otherwise>ul</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="tei:head">
        <div class="te-list-block">
          <xsl:apply-templates select="tei:head"/>
          <xsl:call-template name="te:list-body"><xsl:with-param name="kind" select="$kind"/></xsl:call-template>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:list-body"><xsl:with-param name="kind" select="$kind"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="te:list-body">
    <xsl:param name="kind"/>
    <xsl:element name="{$kind}">
      <xsl:call-template name="te:attrs"/>
      <xsl:choose>
        <xsl:when test="tei:item | tei:label">
          <xsl:apply-templates select="tei:item | tei:label" mode="te:member">
            <xsl:with-param name="kind" select="$kind"/>
          </xsl:apply-templates>
        </xsl:when>
        <xsl:when test="node()[not(self::tei:head)][self::* or self::text()[normalize-space()]]">
          <xsl:element name="{substring('lidd', 1 + 2 * ($kind = 'dl'), 2)}">
            <xsl:apply-templates select="node()[not(self::tei:head)][self::* or self::text()[normalize-space()]]"/>
          </xsl:element>
        </xsl:when>
      </xsl:choose>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:item | tei:label" mode="te:member">
    <xsl:param name="kind"/>
    <xsl:variable name="name">
      <xsl:choose>
        <xsl:when test="$kind = 'dl' and self::tei:label">dt</xsl:when>
        <xsl:when test="$kind = 'dl'">dd</xsl:when>
        <xsl:otherwise>li</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$name}">
      <xsl:call-template name="te:attrs"/>
      <xsl:apply-templates select="key('te:list-strays', generate-id())"/>
      <xsl:apply-templates/>
      <xsl:if test="position() = last()">
        <xsl:apply-templates select="following-sibling::node()
            [not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]"/>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <!-- A label outside a list is a phrase. -->
  <xsl:template match="tei:label">
    <xsl:call-template name="te:inline"/>
  </xsl:template>

  <!-- listBibl: its head, then one list item per bibliographic entry. -->
  <xsl:template match="tei:listBibl">
    <div>
      <xsl:call-template name="te:attrs"/>
      <xsl:apply-templates select="tei:head"/>
      <xsl:if test="node()[not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]">
        <ul class="te-bibl-list">
          <xsl:for-each select="node()[not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]">
            <li><xsl:apply-templates select="."/></li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- ================================================================
       Tables
       ================================================================ -->

  <!-- table: head becomes the caption; rows, cells with @role="label" are
       header cells; @cols/@rows become colspan/rowspan when they are whole
       numbers.  Stray content between rows goes into the next (or last)
       cell, as in lists. -->
  <xsl:template match="tei:table">
    <table>
      <xsl:call-template name="te:attrs"/>
      <xsl:if test="tei:head">
        <caption>
          <xsl:for-each select="tei:head">
            <xsl:call-template name="te:inline"/>
          </xsl:for-each>
        </caption>
      </xsl:if>
      <tbody>
        <xsl:choose>
          <xsl:when test="tei:row"><xsl:apply-templates select="tei:row"/></xsl:when>
          <xsl:when test="node()[not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]">
            <tr><td><xsl:apply-templates select="node()[not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]"/></td></tr>
          </xsl:when>
        </xsl:choose>
      </tbody>
    </table>
  </xsl:template>

  <xsl:template match="tei:table/tei:row">
    <xsl:variable name="lead" select="key('te:table-strays', generate-id())"/>
    <tr>
      <xsl:call-template name="te:attrs"/>
      <xsl:choose>
        <xsl:when test="tei:cell">
          <xsl:apply-templates select="tei:cell">
            <xsl:with-param name="lead" select="$lead"/>
            <xsl:with-param name="last-row" select="position() = last()"/>
          </xsl:apply-templates>
        </xsl:when>
        <xsl:otherwise>
          <td>
            <xsl:apply-templates select="$lead | node()"/>
            <xsl:if test="position() = last()">
              <xsl:apply-templates select="following-sibling::node()
                  [not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]"/>
            </xsl:if>
          </td>
        </xsl:otherwise>
      </xsl:choose>
    </tr>
  </xsl:template>

  <xsl:template match="tei:table/tei:row/tei:cell">
    <xsl:param name="lead" select="/.."/>
    <xsl:param name="last-row" select="false()"/>
    <xsl:variable name="header" select="@role = 'label' or ../@role = 'label'"/>
    <xsl:element name="{substring('tdth', 1 + 2 * $header, 2)}">
      <xsl:call-template name="te:attrs"/>
      <xsl:if test="$header">
        <xsl:attribute name="scope">
          <xsl:choose>
            <xsl:when test="../@role = 'label'">col</xsl:when>
            <xsl:otherwise>row</xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
      </xsl:if>
      <xsl:if test="number(@cols) = floor(number(@cols)) and number(@cols) &gt; 1 and number(@cols) &lt;= 1000">
        <xsl:attribute name="colspan"><xsl:value-of select="number(@cols)"/></xsl:attribute>
      </xsl:if>
      <xsl:if test="number(@rows) = floor(number(@rows)) and number(@rows) &gt; 1 and number(@rows) &lt;= 1000">
        <xsl:attribute name="rowspan"><xsl:value-of select="number(@rows)"/></xsl:attribute>
      </xsl:if>
      <xsl:if test="position() = 1"><xsl:apply-templates select="$lead"/></xsl:if>
      <xsl:apply-templates select="key('te:row-strays', generate-id())"/>
      <xsl:apply-templates/>
      <xsl:if test="position() = last()">
        <xsl:apply-templates select="following-sibling::node()[not(self::te:*)][self::* or self::text()[normalize-space()]]"/>
        <xsl:if test="$last-row">
          <xsl:apply-templates select="../following-sibling::node()
              [not(self::tei:head or self::te:*)][self::* or self::text()[normalize-space()]]"/>
        </xsl:if>
      </xsl:if>
    </xsl:element>
  </xsl:template>

  <!-- ================================================================
       Figures
       ================================================================ -->

  <!-- figure: <figure>, its content in order, then one <figcaption> with
       the heads and the figure description. -->
  <xsl:template match="tei:figure">
    <figure>
      <xsl:call-template name="te:attrs"/>
      <xsl:apply-templates select="node()[not(self::tei:head or self::tei:figDesc)]"/>
      <xsl:if test="tei:head | tei:figDesc">
        <figcaption>
          <xsl:for-each select="tei:head | tei:figDesc">
            <xsl:if test="position() &gt; 1"><xsl:text> </xsl:text></xsl:if>
            <xsl:call-template name="te:inline"/>
          </xsl:for-each>
        </figcaption>
      </xsl:if>
    </figure>
  </xsl:template>

  <!-- graphic: <img> only for a local, relative path (@te:src; Python
       refuses absolute paths, other hosts and unsafe schemes).  An image on
       another web site is a link to it; a refused URL is shown as text.
       The image is described by the caption next to it (alt=""), or, with
       no caption, by $label-image. -->
  <xsl:template match="tei:graphic | tei:media">
    <xsl:choose>
      <xsl:when test="@te:src">
        <img src="{@te:src}">
          <xsl:call-template name="te:attrs"/>
          <xsl:attribute name="alt">
            <xsl:if test="not(../tei:head or ../tei:figDesc or tei:desc)">
              <xsl:value-of select="$label-image"/>
            </xsl:if>
          </xsl:attribute>
        </img>
        <xsl:call-template name="te:content-after"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:inline">
          <xsl:with-param name="class">
            <xsl:if test="@te:unsafe">te-unsafe-link</xsl:if>
          </xsl:with-param>
          <xsl:with-param name="fallback" select="@url"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Breaks and anchors
       ================================================================ -->

  <!-- lb: a line break.  An lb before any text of a paragraph, line, head
       or quotation (Python marks it @te:line-start) only marks where the
       line begins, so it makes no break. -->
  <xsl:template match="tei:lb">
    <xsl:variable name="first" select="@te:line-start
        and (parent::tei:p or parent::tei:ab or parent::tei:l or parent::tei:head or parent::tei:item
             or parent::tei:cell or parent::tei:note or parent::tei:quote or parent::tei:q or parent::tei:lg
             or parent::tei:div or parent::tei:body or parent::tei:opener or parent::tei:closer
             or parent::tei:dateline or parent::tei:salute or parent::tei:signed or parent::tei:byline
             or parent::tei:docTitle or parent::tei:titlePart or parent::tei:epigraph or parent::tei:trailer)"/>
    <xsl:choose>
      <xsl:when test="$show-line-breaks = 'yes' and not($first)">
        <br><xsl:call-template name="te:attrs"/></br>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="not(@break = 'no') and not($first)"><xsl:text> </xsl:text></xsl:if>
        <xsl:if test="@te:id"><span><xsl:call-template name="te:attrs"/></span></xsl:if>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="te:content-after"/>
  </xsl:template>

  <!-- Content in an element that should be empty (lb, pb, anchor...: not
       valid TEI, but no text is ever dropped): after the marker, in a span,
       or a div when it holds blocks. -->
  <xsl:template name="te:content-after">
    <xsl:if test="node()[not(self::te:*)]">
      <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
      <xsl:element name="{substring('spandiv', 1 + 4 * boolean(string($blocks)), 4 - boolean(string($blocks)))}">
        <xsl:attribute name="class">te-content</xsl:attribute>
        <xsl:apply-templates/>
      </xsl:element>
    </xsl:if>
  </xsl:template>

  <!-- pb: a marker with the page number, placed in the margin by the CSS;
       its id (xml:id, or page-<n>) is a link target. -->
  <xsl:template match="tei:pb">
    <span>
      <xsl:call-template name="te:attrs">
        <xsl:with-param name="class">
          <xsl:if test="$show-page-breaks != 'yes'">te-silent</xsl:if>
        </xsl:with-param>
      </xsl:call-template>
      <!-- a page break with a visible number is announced as one -->
      <xsl:if test="normalize-space(@n) and $show-page-breaks = 'yes'">
        <xsl:attribute name="role">doc-pagebreak</xsl:attribute>
        <xsl:attribute name="aria-label"><xsl:value-of select="normalize-space(concat($label-page, ' ', @n))"/></xsl:attribute>
      </xsl:if>
      <xsl:if test="normalize-space(@n)">
        <xsl:if test="$show-page-breaks = 'yes'">
          <span class="te-page-number">
            <xsl:value-of select="concat('[', normalize-space(@n), ']')"/>
          </span>
        </xsl:if>
      </xsl:if>
    </span>
    <xsl:call-template name="te:content-after"/>
  </xsl:template>

  <xsl:template match="tei:cb | tei:gb | tei:milestone">
    <span>
      <xsl:call-template name="te:attrs"/>
      <xsl:if test="@unit or @n">
        <xsl:attribute name="title"><xsl:value-of select="normalize-space(concat(@unit, ' ', @n))"/></xsl:attribute>
      </xsl:if>
    </span>
    <xsl:call-template name="te:content-after"/>
  </xsl:template>

  <xsl:template match="tei:anchor">
    <span><xsl:call-template name="te:attrs"/></span>
    <xsl:call-template name="te:content-after"/>
  </xsl:template>

  <!-- ================================================================
       Pointers
       ================================================================ -->

  <!-- ref: a link when Python resolved @target (@te:href: a register page,
       an id in this text, or a safe URL); otherwise its content as plain
       text.  A refused URL (javascript:, data: ...) is marked te-unsafe-link.
       An empty ref shows its target. -->
  <xsl:template match="tei:ref">
    <xsl:call-template name="te:inline">
      <xsl:with-param name="class">
        <xsl:if test="@te:unsafe">te-unsafe-link</xsl:if>
      </xsl:with-param>
      <xsl:with-param name="fallback" select="@target"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ptr: a link named by the register label of its target, or by the
       target as written. -->
  <xsl:template match="tei:ptr">
    <xsl:variable name="hidden"><xsl:call-template name="te:in-hidden-reading"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="te:target and not(string($hidden))">
        <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
        <xsl:element name="{substring('spandiv', 1 + 4 * boolean(string($blocks)), 4 - boolean(string($blocks)))}">
          <xsl:call-template name="te:attrs"/>
          <xsl:for-each select="te:target">
            <xsl:if test="position() &gt; 1">; </xsl:if>
            <a class="te-link" href="{@href}">
              <xsl:choose>
                <xsl:when test="@title"><xsl:value-of select="@title"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="@token"/></xsl:otherwise>
              </xsl:choose>
            </a>
          </xsl:for-each>
          <xsl:call-template name="te:content-after"/>
        </xsl:element>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:inline">
          <xsl:with-param name="class">
            <xsl:if test="@te:unsafe">te-unsafe-link</xsl:if>
          </xsl:with-param>
          <xsl:with-param name="fallback">
            <xsl:choose>
              <xsl:when test="@te:title"><xsl:value-of select="@te:title"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="@target"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Notes
       ================================================================ -->

  <!-- A note of the text (numbered by Python: @te:n) leaves a numbered
       link in the running text; its content goes to the list of notes at
       the end of the page (te:footnotes in tei-html.xsl), which links back.
       A note elsewhere (in the header) stays where it is. -->
  <xsl:template match="tei:note">
    <xsl:choose>
      <xsl:when test="@te:n">
        <xsl:variable name="label"><xsl:call-template name="te:note-label"/></xsl:variable>
        <a class="te-noteref" id="{@te:ref-id}" href="#{@te:id}" role="doc-noteref"
            aria-label="{normalize-space(concat($label-note, ' ', $label))}">
          <sup><xsl:value-of select="$label"/></sup>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:inline"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="te:note-label">
    <xsl:choose>
      <xsl:when test="$note-labels = 'n' and normalize-space(@n)"><xsl:value-of select="normalize-space(@n)"/></xsl:when>
      <xsl:otherwise><xsl:number value="@te:n" format="{$note-number-format}"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The entry of a note in the list of notes. -->
  <xsl:template match="tei:note" mode="te:footnote">
    <xsl:variable name="label"><xsl:call-template name="te:note-label"/></xsl:variable>
    <li>
      <xsl:call-template name="te:attrs"/>
      <a class="te-backlink" href="#{@te:ref-id}" role="doc-backlink">
        <xsl:value-of select="$label"/>
        <span class="te-visually-hidden"><xsl:value-of select="concat(' (', $label-back-to-text, ')')"/></span>
      </a>
      <xsl:text> </xsl:text>
      <div class="te-note-body"><xsl:apply-templates/></div>
    </li>
  </xsl:template>

</xsl:stylesheet>
